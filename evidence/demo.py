"""Demo content of the evidence app: summaries, a draft framework, lay findings, a glossary.

The research studies here are made up for trying the site. The guidelines and policies are
real documents, described only in general terms; read each one for what it says. Every
summary says which of the two it is in the first words of its technical summary.
"""

from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.utils.text import slugify

from wagtail.blocks import StreamValue
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Site
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

from cms.demo import Log
from evidence.enums import EvidenceKind, Nation
from evidence.models import (
    Domain,
    EvidenceIndexPage,
    EvidenceSummaryPage,
    FrameworkIndexPage,
    FrameworkSectionPage,
    GlossaryTerm,
    LayFindingEvidence,
    LayFindingsIndexPage,
    LayFindingsPage,
    Theme,
)

DEMO_NOTICE = (
    "<p><strong>Demo content.</strong> This text shows what the page will hold. "
    "The study team replaces it before the site is used.</p>"
)
ILLUSTRATIVE_NOTICE = (
    "<p><strong>Demo content.</strong> An illustrative summary for trying the site, not a "
    "record of the study's review.</p>"
)
SOURCE_NOTICE = (
    "<p><strong>Demo content.</strong> A short illustration written for trying the site; "
    "read the source itself for its guidance.</p>"
)
DEMO_AUTHORS = "Stepping Stones demo team"
DEMO_PUBLISHER = "Demo entry, not a published source"

NICE = "National Institute for Health and Care Excellence"
NICE_BEFORE_2013 = "National Institute for Health and Clinical Excellence"  # its name until 2013
SCOTTISH_GOVERNMENT = "Scottish Government"

PageT = TypeVar("PageT", bound=Page)

# The requirement domains of migration 0002, which also names the themes used below by slug.
ORGANISATIONS = "How organisations work together"
TRAINING = "Training and support"
RESOURCES = "How resources are prioritised"


def _paragraph(html: str) -> tuple[str, RichText]:
    return ("paragraph", RichText(html))


@dataclass(frozen=True)
class DemoSummary:
    """One evidence summary; left with the demo team as authors, it is a made-up study."""

    source_id: str
    title: str
    kind: EvidenceKind
    nation: Nation
    year: int
    themes: tuple[str, ...]
    source_title: str
    lay_summary: str
    technical_summary: str
    key_findings: tuple[tuple[str, str], ...]  # (finding, detail or "")
    implications_for_care: str
    authors: str = DEMO_AUTHORS
    publisher: str = DEMO_PUBLISHER
    url: str = ""  # a real address only where we are sure of it; else one on example.org


@dataclass(frozen=True)
class DemoRequirement:
    statement: str
    rationale: str
    domain: str
    evidence: tuple[str, ...]  # source ids
    content_note: str = ""
    # How the first draft worded it: "" if as now, None if the first draft did not have it.
    first_draft: str | None = ""


SUMMARIES = (
    # Guidelines: real documents, described in general terms.
    DemoSummary(
        source_id="G001",
        title="Pregnancy and complex social factors (NICE CG110)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.ENGLAND,
        year=2010,
        themes=("joint-working", "social-services"),
        authors=NICE_BEFORE_2013,
        source_title="Pregnancy and complex social factors: a model for service provision for "
        "pregnant women with complex social factors (CG110)",
        publisher="NICE",
        url="https://www.nice.org.uk/guidance/cg110",
        lay_summary="This guideline is about care in pregnancy for women whose lives are hard "
        "in other ways. Women who use drugs or alcohol are one of the groups it covers. It says "
        "how services should be set up so these women get the care they need.",
        technical_summary="National guidance on how antenatal services are organised for "
        "women with complex social factors. It covers four groups: women who misuse alcohol or "
        "drugs; recent migrants, asylum seekers or refugees, and women who have difficulty "
        "reading or speaking English; young women under 20; and women who experience domestic "
        "abuse. It looks at how these women are helped to start and stay in antenatal care.",
        key_findings=(
            ("Covers women who misuse alcohol or drugs as one of four groups.", ""),
            ("Sets out a model of how services are provided, rather than clinical treatment.", ""),
            ("Looks at what helps women start antenatal care early and keep coming.", ""),
        ),
        implications_for_care="Maternity services can use it to plan how they reach women who "
        "use drugs early in pregnancy, offer care that fits around their lives, and work with "
        "drug services and social care.",
    ),
    DemoSummary(
        source_id="G002",
        title="Drug misuse and dependence: UK guidelines on clinical management (2017)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.UK_WIDE,
        year=2017,
        themes=("joint-working", "staff-training"),
        authors="Clinical Guidelines on Drug Misuse and Dependence Update 2017 Independent "
        "Expert Working Group",
        source_title="Drug misuse and dependence: UK guidelines on clinical management",
        publisher="Department of Health",
        url="https://www.gov.uk/government/publications/"
        "drug-misuse-and-dependence-uk-guidelines-on-clinical-management",
        lay_summary="This is the main UK guide for staff who treat drug problems. It is often "
        "called the Orange Book. It covers treatment with medicines and talking support, and "
        "care for particular groups of people.",
        technical_summary="Clinical guidelines on the treatment of drug misuse and dependence "
        "across the UK, intended mainly for clinicians who provide drug treatment. They cover "
        "assessment and care planning, psychosocial and pharmacological treatment, and the "
        "needs of particular groups and settings.",
        key_findings=(
            ("Written mainly for clinicians who provide drug treatment.", ""),
            ("Covers opioid substitution therapy, from choosing a medicine to starting it.", ""),
            ("Gives weight to communication between drug services and other health care.", ""),
        ),
        implications_for_care="Drug services and maternity services can use it as a shared "
        "reference when they plan a pregnant woman's treatment together.",
    ),
    DemoSummary(
        source_id="G003",
        title="Antenatal and postnatal mental health (NICE CG192)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.ENGLAND,
        year=2014,
        themes=("mental-health", "staff-training"),
        authors=NICE,
        source_title="Antenatal and postnatal mental health: clinical management and service "
        "guidance (CG192)",
        publisher="NICE",
        url="https://www.nice.org.uk/guidance/cg192",
        lay_summary="This guideline is about mental health problems in pregnancy and in the "
        "year after birth. It tells staff how to notice problems and how to offer help. It also "
        "covers how services should be organised.",
        technical_summary="National guidance on recognising, assessing and treating mental "
        "health problems in women who are planning a pregnancy, are pregnant, or have had a "
        "baby in the past year. It covers the organisation of services as well as clinical "
        "care.",
        key_findings=(
            ("Covers the time from planning a pregnancy to a year after the birth.", ""),
            ("Describes how staff ask about mental health at first contact and after birth.", ""),
            ("Covers how services are organised, not only treatment.", ""),
        ),
        implications_for_care="Women who use drugs often have mental health needs too. "
        "Services can use this guideline to make sure those needs are asked about and met.",
    ),
    DemoSummary(
        source_id="G004",
        title="Parents with alcohol and drug problems (Public Health England, 2021)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.ENGLAND,
        year=2021,
        themes=("joint-working", "social-services"),
        authors="Public Health England",
        source_title="Parents with alcohol and drug problems: adult treatment and children and "
        "family services",
        publisher="Public Health England",
        url="https://www.gov.uk/government/publications/"
        "parents-with-alcohol-and-drug-problems-support-resources",
        lay_summary="This guidance is for people who plan and run services in England. It is "
        "about parents who have problems with drugs or alcohol, and their children. It shows how "
        "adult drug services and children's services can work together.",
        technical_summary="Planning and operational guidance for directors of public health, "
        "and for commissioners and providers of adult alcohol and drug treatment and of children "
        "and family services in England. It outlines the main issues for families affected by "
        "parental alcohol and drug problems and how services can work together to support them.",
        key_findings=(
            ("Written for those who plan, commission and run services.", ""),
            ("Focuses on how adult treatment and children and family services work together.", ""),
        ),
        implications_for_care="Local areas can use it to agree how drug services and children's "
        "services share information and plan support with families.",
    ),
    DemoSummary(
        source_id="G005",
        title="Postnatal care (NICE NG194)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.ENGLAND,
        year=2021,
        themes=("mental-health",),
        authors=NICE,
        source_title="Postnatal care (NG194)",
        publisher="NICE",
        url="https://www.nice.org.uk/guidance/ng194",
        lay_summary="This guideline is about care for women and babies in the first weeks "
        "after birth. It covers the health of the mother, including her mental health. It also "
        "covers the health of the baby.",
        technical_summary="National guidance on the routine postnatal care that women and "
        "their babies should receive in the first 8 weeks after the birth, including the "
        "woman's physical and mental health and the baby's health and feeding.",
        key_findings=(
            ("Covers routine care in the first 8 weeks after the birth.", ""),
            ("Includes the woman's mental health as well as her physical health.", ""),
        ),
        implications_for_care="The weeks after birth are a time of high need for women who use "
        "drugs. This guideline is the baseline every woman should receive; extra support is "
        "added on top of it, not in place of it.",
    ),
    DemoSummary(
        source_id="G006",
        title="Getting our priorities right (Scottish Government, 2013)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.SCOTLAND,
        year=2013,
        themes=("social-services", "joint-working"),
        authors=SCOTTISH_GOVERNMENT,
        source_title="Getting our priorities right: updated good practice guidance for all "
        "agencies and practitioners working with children, young people and families affected "
        "by problematic alcohol and/or drug use",
        publisher=SCOTTISH_GOVERNMENT,
        url="https://www.gov.scot/publications/getting-priorities-right/",
        lay_summary="This guidance is for staff in Scotland who work with families where a parent "
        "has a drug or alcohol problem. It says help should come early, before problems grow. "
        "Where it is safe, children should be helped in their own families.",
        technical_summary="Good practice guidance for child and adult services in Scotland "
        "that work with children and families affected by problematic parental alcohol or drug "
        "use. It covers deciding when children need help, sharing information, assessing risks "
        "and working together, in line with the Getting It Right For Every Child approach.",
        key_findings=(
            (
                "Focuses on prevention and early help.",
                "Where there is significant concern for a child, child protection procedures "
                "apply.",
            ),
            ("Children should be supported within their own families wherever possible.", ""),
            ("Gives advice on sharing information between adult and children's services.", ""),
        ),
        implications_for_care="Adult drug services and children's services in Scotland can use "
        "it to agree early, shared support for families, before there is a crisis.",
    ),
    DemoSummary(
        source_id="G007",
        title="Medication Assisted Treatment (MAT) standards (Scottish Government, 2021)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.SCOTLAND,
        year=2021,
        themes=("mental-health", "joint-working"),
        authors=SCOTTISH_GOVERNMENT,
        source_title="Medication Assisted Treatment (MAT) standards: access, choice, support",
        publisher=SCOTTISH_GOVERNMENT,
        url="https://www.gov.scot/publications/"
        "medication-assisted-treatment-mat-standards-scotland-access-choice-support/",
        lay_summary="These standards say how drug treatment with medicines should work in "
        "Scotland. People should be able to start treatment on the day they ask. They should "
        "also get help with their mental health, housing and money.",
        technical_summary="Ten national standards for medication assisted treatment in "
        "Scotland. They cover same-day access, informed choice of medication and dose, "
        "reaching people at high risk, harm reduction, staying in treatment, psychologically "
        "and trauma-informed care, shared care with primary care, advocacy and help with "
        "housing, welfare and income, and mental health care where treatment is given.",
        key_findings=(
            ("People can choose to start treatment on the day they ask for help.", ""),
            ("Mental health care is available where people receive their treatment.", ""),
            ("Care is trauma-informed.", ""),
        ),
        implications_for_care="Quick access to treatment and joined-up mental health care "
        "matter all the more in pregnancy. Maternity services can work with local treatment "
        "services so that pregnant women benefit from these standards.",
    ),
    DemoSummary(
        source_id="G008",
        title="National guidance for child protection in Scotland (2021)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.SCOTLAND,
        year=2021,
        themes=("social-services", "loss-of-custody"),
        authors=SCOTTISH_GOVERNMENT,
        source_title="National Guidance for Child Protection in Scotland 2021",
        publisher=SCOTTISH_GOVERNMENT,
        lay_summary="This guidance tells services in Scotland how to keep children safe. It "
        "includes what should happen when there are worries about an unborn baby. It says that "
        "checks before birth should start as early as possible.",
        technical_summary="National guidance on responsibilities and processes for child "
        "protection in Scotland, including inter-agency referral discussions and child "
        "protection planning. It includes pre-birth assessment and support where there is "
        "concern about an unborn baby.",
        key_findings=(
            (
                "A pre-birth assessment can begin once a pregnancy is confirmed.",
                "Where there is a risk of significant harm, it should begin as soon as possible.",
            ),
            ("Pre-birth assessment is multi-disciplinary, led by a social worker.", ""),
        ),
        implications_for_care="Early, coordinated pre-birth assessment gives women the most "
        "time to get support and to show change. Services should help women understand the "
        "process from the start.",
    ),
    DemoSummary(
        source_id="G009",
        title="Drug misuse in over 16s: opioid detoxification (NICE CG52)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.ENGLAND,
        year=2007,
        themes=("residential-treatment",),
        authors=NICE_BEFORE_2013,
        source_title="Drug misuse in over 16s: opioid detoxification (CG52)",
        publisher="NICE",
        url="https://www.nice.org.uk/guidance/cg52",
        lay_summary="This guideline is about coming off opioids, like heroin or methadone, with a "
        "doctor's help. It covers where this can happen. That may be at home, in hospital, or in "
        "a place where people stay for a while.",
        technical_summary="National guidance on opioid detoxification for adults who are "
        "dependent on opioids, including the choice of medication and of setting: community, "
        "inpatient or residential. It is general guidance and is not specific to pregnancy.",
        key_findings=(
            ("Detoxification in the community is normally offered first.", ""),
            ("An inpatient or residential setting may suit people with more complex needs.", ""),
        ),
        implications_for_care="Decisions about detoxification in pregnancy need specialist "
        "advice. This guideline helps services think about when a residential or inpatient "
        "setting is the right place.",
    ),
    DemoSummary(
        source_id="G010",
        title="Substance use in pregnancy (World Health Organization, 2014)",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.OTHER,
        year=2014,
        themes=("stigma", "joint-working"),
        authors="World Health Organization",
        source_title="Guidelines for the identification and management of substance use and "
        "substance use disorders in pregnancy",
        publisher="World Health Organization",
        lay_summary="These guidelines come from the World Health Organization. They are about "
        "finding and treating drug and alcohol problems in pregnancy. They say women should be "
        "treated with respect, and never shamed.",
        technical_summary="International guidance on identifying and managing substance use "
        "and substance use disorders in pregnancy. It rests on overarching principles that "
        "include access to prevention and treatment, respect for women's autonomy, "
        "comprehensive care, and protection against discrimination and stigma.",
        key_findings=(
            ("Its principles include respect for autonomy and freedom from stigma.", ""),
            ("Calls for comprehensive care that meets needs beyond drug use.", ""),
        ),
        implications_for_care="It is not UK guidance, but its principles give services a "
        "shared language for care that is respectful, joined up and free of stigma.",
    ),
    # Research studies: made up for the demo.
    DemoSummary(
        source_id="S001",
        title="Women's views of antenatal care while using drugs",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.ENGLAND,
        year=2005,
        themes=("stigma", "joint-working"),
        source_title="Women's views of antenatal care while using drugs: an interview study in "
        "two English cities",
        lay_summary="Researchers talked to women who used drugs while pregnant. Many said they "
        "felt judged at antenatal appointments. Women kept coming when they saw the same "
        "midwife each time.",
        technical_summary="Semi-structured interviews with women attending antenatal care "
        "while using illicit drugs or receiving opioid substitution therapy, analysed "
        "thematically. Themes included fear of judgement, fear of referral to children's social "
        "care, and the value of one consistent, non-judgemental professional.",
        key_findings=(
            ("Women often booked late because they feared being judged or reported.", ""),
            (
                "Seeing the same midwife each time helped women trust staff and keep coming.",
                "Women spoke most warmly of midwives who explained what they wrote down and why.",
            ),
            ("Appointments held at the drug service were easier to attend.", ""),
        ),
        implications_for_care="Offer the same midwife throughout, say openly what is recorded "
        "and shared, and hold some antenatal appointments where women already go for drug "
        "treatment.",
    ),
    DemoSummary(
        source_id="S002",
        title="Rooming-in for babies at risk of withdrawal",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.SCOTLAND,
        year=2008,
        themes=("staff-training", "loss-of-custody"),
        source_title="Keeping mothers and babies together: rooming-in for babies at risk of "
        "neonatal abstinence syndrome in one maternity unit",
        lay_summary="Some babies have withdrawal signs after birth if their mother took "
        "opioids in pregnancy. This study looked at babies who stayed with their mothers on the "
        "ward. Staying together worked well for most babies when staff knew how to help.",
        technical_summary="A before-and-after audit of a change from routine admission to the "
        "neonatal unit to rooming-in on the postnatal ward for babies exposed to opioids in "
        "pregnancy. Outcomes were neonatal unit admission, medication for withdrawal, length "
        "of stay and discharge home with the mother.",
        key_findings=(
            ("Fewer babies were admitted to the neonatal unit after the change.", ""),
            ("Ward staff asked for training in assessing withdrawal and supporting mothers.", ""),
            ("Mothers valued caring for their baby themselves from the start.", ""),
        ),
        implications_for_care="Where it is safe, keep mothers and babies together after birth, "
        "and train postnatal ward staff to assess and support babies at risk of withdrawal.",
    ),
    DemoSummary(
        source_id="S003",
        title="Specialist midwives for women who use drugs",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.ENGLAND,
        year=2011,
        themes=("joint-working", "staff-training"),
        source_title="The specialist midwife for women who use drugs: a mixed-methods "
        "evaluation in three NHS trusts",
        lay_summary="Some hospitals have midwives who specialise in caring for women who use "
        "drugs. This study looked at what these midwives do. Women and staff said the "
        "specialist midwife helped services work together.",
        technical_summary="A mixed-methods evaluation combining caseload records, a staff "
        "survey and interviews with women and professionals. It describes the tasks of the "
        "specialist midwife, such as coordinating care, liaising with drug and social work "
        "services and training colleagues, and how women and staff experienced the role.",
        key_findings=(
            ("Specialist midwives spent much of their time coordinating between services.", ""),
            ("Other midwives felt more confident after training by the specialist midwife.", ""),
            (
                "Posts were often funded short term, and care was patchy while a post was empty.",
                "",
            ),
        ),
        implications_for_care="Fund specialist midwife posts for the long term, and make "
        "coordination and teaching colleagues part of the role.",
    ),
    DemoSummary(
        source_id="S004",
        title="Pre-birth assessments in case records",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.UK_WIDE,
        year=2013,
        themes=("social-services", "loss-of-custody"),
        source_title="Pre-birth child protection assessments of women who use drugs: an "
        "analysis of case records",
        lay_summary="Before a baby is born, a social worker may check whether the baby will be "
        "safe at home. This study read the records of these checks. Women were often told about "
        "plans late in pregnancy.",
        technical_summary="A documentary analysis of anonymised pre-birth assessment records "
        "from several local authorities. It examined when referral and assessment happened, "
        "what information was used, how women's strengths and progress in treatment were "
        "recorded, and the outcome of any child protection conference.",
        key_findings=(
            ("Many assessments began late, leaving women little time to show change.", ""),
            ("Records described risks in detail but said little about strengths or progress.", ""),
            ("Women were not always told in plain words what a decision meant for them.", ""),
        ),
        implications_for_care="Start pre-birth assessment early, record progress in treatment "
        "as well as risks, and explain every decision to the woman in plain words.",
    ),
    DemoSummary(
        source_id="S005",
        title="Mothers in residential treatment with their children",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.SCOTLAND,
        year=2014,
        themes=("residential-treatment", "loss-of-custody"),
        source_title="Recovery with children present: a qualitative study of mothers in family "
        "residential rehabilitation",
        lay_summary="Some women can go to a residential drug service and take their children "
        "with them. Researchers talked to mothers who did this. Mothers said having their "
        "children with them made them want to stay.",
        technical_summary="A qualitative study of mothers in residential rehabilitation "
        "services that admit children, interviewed on entry and at discharge. It explored "
        "motivation, parenting support, and the barriers to getting a place, including waiting "
        "times and funding decisions.",
        key_findings=(
            ("Having their children with them was a main reason mothers stayed in treatment.", ""),
            ("Few services took babies or more than one child, and funding was slow.", ""),
            ("Parenting support in the service helped mothers prepare for going home.", ""),
        ),
        implications_for_care="Make family residential places available without long waits, "
        "including places that take babies, and plan support for after discharge.",
    ),
    DemoSummary(
        source_id="S006",
        title="Mental health and drug use around pregnancy",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.ENGLAND,
        year=2016,
        themes=("mental-health",),
        source_title="Mental health problems among women who use drugs in pregnancy and the "
        "year after birth: a record-linkage study",
        lay_summary="This study used health records to look at the mental health of women who "
        "use drugs in and after pregnancy. Many also had anxiety or depression. Few got help "
        "from mental health services for new mothers.",
        technical_summary="A retrospective cohort using linked maternity, drug treatment and "
        "mental health service records. It compared recorded mental health diagnoses, and "
        "contact with perinatal mental health services, between women with and without "
        "recorded drug use in pregnancy.",
        key_findings=(
            ("Women with recorded drug use more often had a recorded mental health problem.", ""),
            (
                "They were less often in contact with perinatal mental health services.",
                "Some services asked women to stop using drugs before they could be seen.",
            ),
        ),
        implications_for_care="Ask about mental health at every stage, and make sure perinatal "
        "mental health services accept women who use drugs or are in treatment.",
    ),
    DemoSummary(
        source_id="S007",
        title="Staff confidence in caring for women who use drugs",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.ENGLAND,
        year=2017,
        themes=("staff-training", "stigma"),
        source_title="Confidence and attitudes of midwives and health visitors caring for "
        "women who use drugs: a survey",
        lay_summary="This study asked midwives and health visitors how ready they felt to care "
        "for women who use drugs. Many had had little training. Staff with more training felt "
        "more confident and judged women less.",
        technical_summary="A cross-sectional online survey of midwives and health visitors "
        "measuring self-rated confidence, knowledge of local care pathways and attitudes to "
        "women who use drugs, with free-text comments on training needs.",
        key_findings=(
            ("Most had had no training on drug use in pregnancy since qualifying.", ""),
            ("Those who had been trained reported more confidence and kinder attitudes.", ""),
            ("Many did not know the local route for referring women to drug services.", ""),
        ),
        implications_for_care="Train midwives and health visitors regularly, including on "
        "local pathways, and involve women with lived experience in the training.",
    ),
    DemoSummary(
        source_id="S008",
        title="Women whose babies were removed at birth",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.SCOTLAND,
        year=2019,
        themes=("loss-of-custody", "mental-health", "social-services"),
        source_title="After removal: an interview study with mothers whose babies were taken "
        "into care at birth",
        lay_summary="Researchers talked to women whose babies were taken into care soon after "
        "birth. The women spoke of deep grief and of feeling alone. Most got very little "
        "support for themselves afterwards.",
        technical_summary="A qualitative interview study with mothers whose newborn babies "
        "were removed under child protection procedures. It explored their experience of the "
        "removal, contact arrangements, support afterwards and later pregnancies.",
        key_findings=(
            ("Women described removal at birth as a deep loss that services rarely named.", ""),
            ("Support often stopped when the baby left, when women most needed it.", ""),
            ("Some women became pregnant again soon after, with no new support in place.", ""),
        ),
        implications_for_care="Offer every woman whose baby is removed her own support for "
        "grief, mental health and drug use, and keep it going after court proceedings end.",
    ),
    DemoSummary(
        source_id="S009",
        title="Stigma in maternity care: a review",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.UK_WIDE,
        year=2020,
        themes=("stigma",),
        source_title="Stigma experienced by women who use drugs in maternity care: a "
        "qualitative evidence synthesis",
        lay_summary="This study brought together other studies about how women who use drugs "
        "are treated in maternity care. Women often felt labelled and judged. Kind, respectful "
        "staff made a big difference.",
        technical_summary="A thematic synthesis of qualitative studies on experiences of stigma "
        "in maternity services. It distinguishes stigma in meetings with staff, in records and "
        "the language they use, and in the way services are organised.",
        key_findings=(
            ("Women met stigma in how staff spoke, what records said and how services ran.", ""),
            ("Fear of stigma led some women to delay or avoid care.", ""),
            ("Respectful, non-judgemental staff helped women stay in care.", ""),
        ),
        implications_for_care="Tackle stigma at every level: the attitudes of staff, the words "
        "used in records, and service rules that single women out.",
    ),
    DemoSummary(
        source_id="S010",
        title="Joint clinics run by maternity and drug services",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.ENGLAND,
        year=2022,
        themes=("joint-working",),
        source_title="One place, one plan: a service evaluation of joint antenatal and drug "
        "treatment clinics",
        lay_summary="In some areas, maternity and drug services run clinics together. Women "
        "can see a midwife and a drug worker in one visit. This study found women came to more "
        "appointments this way.",
        technical_summary="A service evaluation comparing attendance, timing of booking and "
        "care planning before and after the start of joint clinics staffed by a specialist "
        "midwife and a drug treatment worker, with interviews with staff.",
        key_findings=(
            ("More antenatal appointments were attended after joint clinics began.", ""),
            ("Staff said one shared plan meant fewer repeated questions and mixed messages.", ""),
            ("Agreements to share information took time to set up, but were essential.", ""),
        ),
        implications_for_care="Run joint clinics where possible, agree one shared care plan "
        "with each woman, and set up information sharing agreements early.",
    ),
    DemoSummary(
        source_id="S011",
        title="Family residential treatment: a feasibility study",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.OTHER,
        year=2023,
        themes=("residential-treatment", "mental-health"),
        source_title="Family-based residential treatment for pregnant women and new mothers: a "
        "feasibility study in Wales",
        lay_summary="This small study tried out a residential service where pregnant women and "
        "new mothers could stay with their babies. Most women stayed to the end. A bigger study "
        "now looks possible.",
        technical_summary="A single-arm feasibility study of a family-based residential "
        "programme for pregnant women and mothers of infants. It assessed recruitment, "
        "retention and acceptability, and whether outcome measures of mental health and drug "
        "use could be collected.",
        key_findings=(
            ("Most women who started the programme completed it.", ""),
            ("Women valued help with their mental health alongside drug treatment.", ""),
            ("Collecting follow-up data after discharge was hard.", ""),
        ),
        implications_for_care="Family residential treatment is worth testing on a larger "
        "scale, with mental health support built in and a plan for follow-up.",
    ),
    DemoSummary(
        source_id="S012",
        title="Trauma-informed care in pregnancy: a review",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.SCOTLAND,
        year=2024,
        themes=("mental-health", "staff-training", "stigma"),
        source_title="Trauma-informed care for pregnant women who use drugs: a realist review",
        lay_summary="Many women who use drugs have lived through trauma. This study looked at "
        "what helps when services take this into account. Training staff only helped when "
        "services also changed how they work.",
        technical_summary="A realist review developing programme theories of how "
        "trauma-informed approaches work in maternity, drug treatment and social work services "
        "for pregnant women who use drugs, and in which contexts.",
        key_findings=(
            ("Training helped only when the service also changed its everyday practice.", ""),
            ("Choice, predictability and a trusted worker helped women feel safe.", ""),
            ("Staff needed supervision to cope with the emotional weight of the work.", ""),
        ),
        implications_for_care="Pair trauma-informed training with changes to how services run, "
        "and give staff regular supervision.",
    ),
    # Policy: real documents, described in general terms.
    DemoSummary(
        source_id="P001",
        title="Hidden Harm – Next Steps (Scottish Executive, 2006)",
        kind=EvidenceKind.POLICY,
        nation=Nation.SCOTLAND,
        year=2006,
        themes=("social-services", "joint-working"),
        authors="Scottish Executive",
        source_title="Hidden Harm – Next Steps: Supporting Children – Working with Parents",
        publisher="Scottish Executive",
        lay_summary="This was Scotland's plan after the Hidden Harm report. It is about "
        "children whose parents have drug problems. It says services for adults and for "
        "children should work together to support families.",
        technical_summary="The Scottish Executive's follow-up to the Hidden Harm inquiry, "
        "setting out next steps for supporting children affected by parental substance misuse "
        "and for working with their parents.",
        key_findings=(
            ("Focuses on supporting children affected by parental substance misuse.", ""),
            ("Expects adult and children's services to work together with parents.", ""),
        ),
        implications_for_care="It set a direction in Scotland for services to see the whole "
        "family, which still matters for care in pregnancy.",
    ),
    DemoSummary(
        source_id="P002",
        title="The Best Start (Scottish Government, 2017)",
        kind=EvidenceKind.POLICY,
        nation=Nation.SCOTLAND,
        year=2017,
        themes=("joint-working", "mental-health"),
        authors=SCOTTISH_GOVERNMENT,
        source_title="The Best Start: a five-year forward plan for maternity and neonatal care "
        "in Scotland",
        publisher=SCOTTISH_GOVERNMENT,
        url="https://www.gov.scot/publications/"
        "best-start-five-year-forward-plan-maternity-neonatal-care-scotland/",
        lay_summary="This is Scotland's plan for care in pregnancy and birth, and for new "
        "babies. It says every woman should have a midwife she knows. It says mother and baby "
        "should be kept together at the centre of care.",
        technical_summary="A national plan for maternity and neonatal services in Scotland, "
        "following a review of those services. Its recommendations include continuity of carer "
        "from a primary midwife, putting mother and baby together at the centre of care, "
        "multi-professional working, and services for vulnerable women and for perinatal "
        "mental health.",
        key_findings=(
            ("Every woman should have continuity of carer from a primary midwife.", ""),
            ("Mother and baby are planned for together, at the centre of care.", ""),
            ("Calls for services for vulnerable women and for perinatal mental health.", ""),
        ),
        implications_for_care="Continuity of carer and keeping mother and baby together matter "
        "most for women who use drugs, who often meet many professionals.",
    ),
    DemoSummary(
        source_id="P003",
        title="Better Births (National Maternity Review, 2016)",
        kind=EvidenceKind.POLICY,
        nation=Nation.ENGLAND,
        year=2016,
        themes=("joint-working",),
        authors="National Maternity Review",
        source_title="Better Births: improving outcomes of maternity services in England. A "
        "five year forward view for maternity care",
        publisher="NHS England",
        lay_summary="This is a national review of maternity care in England. It says care "
        "should be safer and more personal. It says women should see the same midwife through "
        "pregnancy, birth and after.",
        technical_summary="The report of the National Maternity Review for England. It sets "
        "out a vision of maternity services that are safer, more personalised, kinder and more "
        "family friendly, with continuity of carer and care centred on each woman's needs and "
        "circumstances.",
        key_findings=(
            ("Calls for care that is personalised to each woman's needs.", ""),
            ("Recommends continuity of carer through pregnancy, birth and after.", ""),
        ),
        implications_for_care="Personalised care and continuity of carer are a foundation for "
        "the extra support that women who use drugs need.",
    ),
    DemoSummary(
        source_id="P004",
        title="Working together to safeguard children (2023)",
        kind=EvidenceKind.POLICY,
        nation=Nation.ENGLAND,
        year=2023,
        themes=("social-services", "loss-of-custody"),
        authors="HM Government",
        source_title="Working together to safeguard children 2023: a guide to multi-agency "
        "working to help, protect and promote the welfare of children",
        publisher="Department for Education",
        url="https://www.gov.uk/government/publications/working-together-to-safeguard-children--2",
        lay_summary="This is the main guidance in England on how services work together to "
        "keep children safe. It covers unborn babies too. It says services should build "
        "trusting relationships with parents.",
        technical_summary="Statutory guidance for England on multi-agency working to help, "
        "protect and promote the welfare of children, including unborn children. The 2023 "
        "edition includes principles for working with parents and carers and national "
        "multi-agency child protection standards.",
        key_findings=(
            ("Applies to unborn children as well as children.", ""),
            ("Sets out principles for working with parents, built on trusting relationships.", ""),
        ),
        implications_for_care="Services can use these principles to involve pregnant women "
        "who use drugs openly and early in any safeguarding work.",
    ),
    # Other sources.
    DemoSummary(
        source_id="O001",
        title="Hidden Harm (Advisory Council on the Misuse of Drugs, 2003)",
        kind=EvidenceKind.OTHER,
        nation=Nation.UK_WIDE,
        year=2003,
        themes=("social-services", "joint-working"),
        authors="Advisory Council on the Misuse of Drugs",
        source_title="Hidden Harm: responding to the needs of children of problem drug users",
        publisher="Home Office",
        lay_summary="This report looked at children in the UK whose parents have serious drug "
        "problems. It found there are many of these children. It said services must work "
        "together to protect and support them.",
        technical_summary="The report of an inquiry into children in the UK whose parents' "
        "drug use has serious harmful consequences. It estimated how many children are "
        "affected, described the effects from conception onwards, surveyed services, and made "
        "48 recommendations.",
        key_findings=(
            ("Estimated that 250,000 to 350,000 children in the UK had such a parent.", ""),
            ("Parental problem drug use can harm children at every age, from conception.", ""),
            ("Effective treatment of the parent can bring major benefits for the child.", ""),
        ),
        implications_for_care="It made the case for drug, maternity and children's services to "
        "see the whole family, starting in pregnancy.",
    ),
    DemoSummary(
        source_id="O002",
        title="What women want from services: a workshop report",
        kind=EvidenceKind.OTHER,
        nation=Nation.OTHER,
        year=2021,
        themes=("stigma", "joint-working"),
        source_title="Mothers first: a report of a workshop with women with lived experience of "
        "drug use in pregnancy",
        lay_summary="Women who had used drugs in pregnancy met to talk about good care. They "
        "said they wanted to be treated as mothers first. They wanted one worker who kept them "
        "informed.",
        technical_summary="A report of a consultation workshop with women with lived "
        "experience, run by a voluntary sector organisation, summarising their priorities for "
        "maternity, drug and social work services.",
        key_findings=(
            ("Women wanted to be seen as mothers first, not as drug users.", ""),
            ("They asked for one worker who would keep them informed and speak up for them.", ""),
        ),
        implications_for_care="Involve women with lived experience in designing services, and "
        "give each woman one trusted worker who keeps her informed.",
    ),
)

EVIDENCE_INTRODUCTION = (
    "Summaries of the UK guidelines, policies and research studies the study reviewed, each "
    "in plain words and in technical detail. Search them, or filter by theme, nation, kind "
    "and year."
)

FRAMEWORK_INTRODUCTION = DEMO_NOTICE + (
    "<p>The framework sets out what services need to do to support women who use drugs in "
    "pregnancy, and their babies, from before conception until 18 months after birth. Each "
    "requirement is linked to the evidence behind it. This is a draft: our advisory group of "
    "women with lived experience and professionals comments on it, round by round.</p>"
)

FRAMEWORK_SECTIONS = (
    {
        "section_number": 1,
        "title": "Working together across services",
        "introduction": "<p>How maternity, drug treatment, social work, mental health and "
        "health visiting services share one plan with each woman.</p>",
        "requirements": (
            DemoRequirement(
                statement="Maternity and drug treatment services agree one shared care plan "
                "with each woman early in pregnancy, and review it with her at each stage.",
                first_draft="Maternity and drug treatment services agree a care plan for each "
                "woman during pregnancy.",
                rationale="<p>Women described repeating their story to many services and "
                "getting mixed messages. Joint clinics with one shared plan reduced both.</p>",
                domain=ORGANISATIONS,
                evidence=("S010", "G001", "G004"),
            ),
            DemoRequirement(
                statement="Each woman has a named lead professional who coordinates her care "
                "and whom she can contact between appointments.",
                rationale="<p>Continuity of carer is a national aim in England and Scotland, "
                "and women valued one trusted worker who kept them informed.</p>",
                domain=ORGANISATIONS,
                evidence=("P002", "P003", "O002"),
            ),
            DemoRequirement(
                statement="Services tell each woman what they share about her, with whom and "
                "why, and ask for her consent wherever the law allows.",
                first_draft="Services share information about each woman with the other "
                "services involved in her care.",
                rationale="<p>Fear of what would be passed on kept some women away from care. "
                "Guidance sets out how adult and children's services share information.</p>",
                domain=ORGANISATIONS,
                evidence=("G006", "S001"),
            ),
            DemoRequirement(
                statement="Commissioners fund specialist midwife posts and joint clinics for "
                "the long term, not as short-term projects.",
                rationale="<p>Specialist midwives coordinated care and trained colleagues, but "
                "short-term funding left gaps whenever a post was empty.</p>",
                domain=RESOURCES,
                evidence=("S003", "S010"),
            ),
            DemoRequirement(
                statement="Perinatal mental health services accept women who use drugs or are "
                "in drug treatment, and plan their care with the drug service.",
                first_draft=None,
                rationale="<p>Women who use drugs often have mental health needs, yet some "
                "services asked them to stop using drugs before they could be seen.</p>",
                domain=RESOURCES,
                evidence=("S006", "G003", "G007"),
            ),
            DemoRequirement(
                statement="Family residential treatment, where mothers stay with their babies, "
                "is available without long waits to the women who need it.",
                rationale="<p>Mothers said having their children with them helped them stay in "
                "treatment, but places were few and funding decisions slow.</p>",
                domain=RESOURCES,
                evidence=("S005", "S011", "G009"),
            ),
            DemoRequirement(
                statement="Staff in every service know the local pathway between maternity, "
                "drug, social work and mental health services, and are trained to use it.",
                rationale="<p>Many midwives and health visitors did not know how to refer a "
                "woman to drug services.</p>",
                domain=TRAINING,
                evidence=("S007", "S003"),
            ),
        ),
    },
    {
        "section_number": 2,
        "title": "Care without judgement",
        "introduction": "<p>How staff treat women who use drugs: with respect, honesty and "
        "support, including when there are worries about the baby's safety.</p>",
        "requirements": (
            DemoRequirement(
                statement="Staff who work with pregnant women who use drugs are trained to "
                "recognise stigma and to give care without judgement.",
                rationale="<p>Fear of being judged led women to delay care. Staff with "
                "training reported kinder attitudes.</p>",
                domain=TRAINING,
                evidence=("S009", "S007", "G010"),
            ),
            DemoRequirement(
                statement="Staff use respectful, person-first language when they speak with "
                "women and when they write about them in records.",
                rationale="<p>Women met stigma in the words written about them as well as in "
                "the words said to them.</p>",
                domain=TRAINING,
                evidence=("S009", "O002"),
            ),
            DemoRequirement(
                statement="Social workers start any pre-birth assessment early, explain it to "
                "the woman in plain words, and record her strengths and progress as well as "
                "risks.",
                rationale="<p>Late assessments left women little time to show change, and "
                "records said little about their progress in treatment.</p>",
                domain=ORGANISATIONS,
                evidence=("G008", "S004", "P004"),
            ),
            DemoRequirement(
                statement="Where it is safe, babies at risk of withdrawal stay with their "
                "mothers after birth, on a ward with the staff to support them.",
                rationale="<p>Rooming-in meant fewer admissions to the neonatal unit, and "
                "mothers valued caring for their babies from the start.</p>",
                domain=RESOURCES,
                evidence=("S002", "G005", "P002"),
            ),
            DemoRequirement(
                statement="Every woman whose baby is removed from her care is offered her own "
                "support for grief, mental health and drug use, lasting beyond court "
                "proceedings.",
                content_note="About a baby being taken into care",
                rationale="<p>Support often stopped when the baby left, just when women needed "
                "it most.</p>",
                domain=RESOURCES,
                evidence=("S008", "G003"),
            ),
            DemoRequirement(
                statement="Services work in a trauma-informed way: staff are trained and "
                "supervised, and the service offers women choice and predictability.",
                rationale="<p>Training made a difference only when services also changed how "
                "they worked day to day.</p>",
                domain=TRAINING,
                evidence=("S012", "G007"),
            ),
        ),
    },
)

# Requirements the first draft of a section had and the revised draft dropped, by section
# number, each with the position it had.
FIRST_DRAFT_ONLY = {
    1: (
        (
            4,
            DemoRequirement(
                statement="Women are seen in a specialist antenatal clinic rather than in "
                "general antenatal clinics.",
                rationale="<p>Some specialist clinics reported better attendance.</p>",
                domain=ORGANISATIONS,
                evidence=("S010",),
            ),
        ),
    ),
}

FINDINGS_INTRODUCTION = "What the Stepping Stones study found, in plain words."

LAY_FINDINGS_PAGES = (
    {
        "title": "What women told us about their care",
        "summary": "Women wanted to be treated as mothers first. Kind staff who did not judge "
        "them made a big difference. Many were afraid their baby would be taken away.",
        "body": (
            ("heading", "Being judged"),
            _paragraph(
                "<p>Many women felt judged by staff because they used drugs. Some stayed away "
                "from appointments because of this. Staff who were kind and honest helped women "
                "keep coming.</p>"
            ),
            ("heading", "Seeing the same person"),
            _paragraph(
                "<p>Women wanted to see the same midwife or worker each time. Then they did not "
                "have to tell their story again and again. They could get to trust that "
                "person.</p>"
            ),
            ("heading", "Fear of losing their baby"),
            _paragraph(
                "<p>Many women were afraid their baby would be taken into care. This fear could "
                "stop them asking for help. Women wanted staff to say clearly what would happen "
                "and why.</p>"
            ),
            ("heading", "When a baby is taken into care"),
            _paragraph(
                "<p>Some women's babies were taken into care. These women said support stopped "
                "just when they needed it most.</p>"
            ),
        ),
        "evidence": ("S001", "S009", "S008", "O002"),
    },
    {
        "title": "What makes services work together",
        "summary": "Women often see many different services. Care works best when these "
        "services share one plan with the woman. One named worker who joins things up helps "
        "a lot.",
        "body": (
            ("heading", "One plan, made with the woman"),
            _paragraph(
                "<p>A woman may see a midwife, a drug worker, a social worker and a health "
                "visitor. When they all work from one plan, she gets the same message from "
                "everyone. She does not have to repeat her story.</p>"
            ),
            ("heading", "One person who joins things up"),
            _paragraph(
                "<p>Specialist midwives can link the services together. They also help other "
                "staff feel confident. But these jobs are often paid for only a short time.</p>"
            ),
            ("heading", "Care in one place"),
            _paragraph(
                "<p>Some areas run clinics where a woman sees her midwife and her drug worker "
                "on the same day, in the same place. Women came to more appointments when "
                "this happened.</p>"
            ),
        ),
        "evidence": ("S010", "S003", "G001", "G004"),
    },
)

GLOSSARY = (
    # (term, explanation, other forms)
    (
        "OST",
        "Opioid substitution therapy. A doctor prescribes a medicine, such as methadone or "
        "buprenorphine, in place of heroin or other opioids. It helps people stay well and "
        "steady, in pregnancy too.",
        "opioid substitution therapy, opioid substitution treatment",
    ),
    (
        "NAS",
        "Neonatal abstinence syndrome. Signs of withdrawal in a newborn baby whose mother took "
        "opioids or some other drugs in pregnancy. The baby may be unsettled, feed poorly or "
        "sleep badly. Staff watch for these signs and can treat them.",
        "neonatal abstinence syndrome, neonatal withdrawal",
    ),
    (
        "Child protection conference",
        "A meeting of professionals and the family, held when there are worries that a child "
        "may be at risk of serious harm. It decides whether the child needs a child protection "
        "plan. In Scotland it is called a child protection planning meeting.",
        "case conference, child protection planning meeting",
    ),
    (
        "Care plan",
        "A written plan, agreed with the woman, that says what support she will get, who will "
        "give it and when. A good care plan is shared by all the services that help her.",
        "care plans",
    ),
    (
        "Pre-birth assessment",
        "Before a baby is born, a social worker and other staff look at what help the family "
        "needs. They also check whether the baby will be safe at home.",
        "pre-birth assessments",
    ),
    (
        "Health visitor",
        "A nurse or midwife with extra training. Health visitors visit families at home and "
        "support them while their children are young.",
        "health visitors",
    ),
    (
        "Residential treatment",
        "Drug treatment where people live in the service for a time. Some services let "
        "mothers bring their babies or children with them.",
        "residential rehabilitation, rehab",
    ),
)


# Wagtail's own groups of editors: the research team.
RESEARCH_TEAM_GROUPS = ("Editors", "Moderators")


def seed(*, log: Log) -> None:
    home = Site.objects.get(is_default_site=True).root_page
    summaries = _evidence_seed(home=home, log=log)
    _framework_seed(home=home, summaries=summaries, log=log)
    _lay_findings_seed(home=home, summaries=summaries, log=log)
    _glossary_seed(log=log)


def _evidence_seed(*, home: Page, log: Log) -> dict[str, EvidenceSummaryPage]:
    """The demo summaries by source id, those already there included."""
    index = _page_ensure(
        parent=home,
        page=EvidenceIndexPage(
            title="Evidence",
            slug="evidence",
            introduction=EVIDENCE_INTRODUCTION,
            show_in_menus=True,
        ),
        existing=EvidenceIndexPage.objects.child_of(home),
        log=log,
    )
    if index is None:
        return {}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    summaries = {}
    for spec in SUMMARIES:
        page = _page_ensure(
            parent=index,
            page=_summary_page(spec=spec, themes=themes),
            # Source ids are unique in a locale, wherever the page is.
            existing=EvidenceSummaryPage.objects.filter(
                source_id=spec.source_id, locale_id=index.locale_id
            ),
            log=log,
        )
        if page is not None:
            summaries[spec.source_id] = page
    return summaries


def _summary_page(*, spec: DemoSummary, themes: dict[str, Theme]) -> EvidenceSummaryPage:
    notice = ILLUSTRATIVE_NOTICE if spec.authors == DEMO_AUTHORS else SOURCE_NOTICE
    page = EvidenceSummaryPage(
        title=spec.title,
        slug=slugify(spec.title),
        source_id=spec.source_id,
        kind=spec.kind,
        nation=spec.nation,
        year=spec.year,
        authors=spec.authors,
        source_title=spec.source_title,
        publisher=spec.publisher,
        source_url=spec.url or f"https://example.org/demo/{spec.source_id}",
        lay_summary=spec.lay_summary,
        technical_summary=f"{notice}<p>{spec.technical_summary}</p>",
        key_findings=[
            (
                "finding",
                {"finding": finding, "detail": RichText(f"<p>{detail}</p>" if detail else "")},
            )
            for finding, detail in spec.key_findings
        ],
        implications_for_care=f"<p>{spec.implications_for_care}</p>",
    )
    page.themes = [themes[slug] for slug in spec.themes if slug in themes]
    return page


def _framework_seed(*, home: Page, summaries: dict[str, EvidenceSummaryPage], log: Log) -> None:
    existed = FrameworkIndexPage.objects.child_of(home).exists()
    index = _page_ensure(
        parent=home,
        page=FrameworkIndexPage(
            title="Draft framework", slug="framework", introduction=FRAMEWORK_INTRODUCTION
        ),
        existing=FrameworkIndexPage.objects.child_of(home),
        log=log,
    )
    if index is None:
        return
    if not existed:
        # The public never sees drafts: until the final framework is published, only the
        # research team reads it here (members will read it through consultation rounds).
        restriction = PageViewRestriction.objects.create(
            page=index, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set(Group.objects.filter(name__in=RESEARCH_TEAM_GROUPS))
        log("Made the draft framework private to the research team.")
    domains = Domain.objects.in_bulk(field_name="name")

    def block(item: DemoRequirement, statement: str) -> dict:
        return {
            "statement": statement,
            "content_note": item.content_note,
            "rationale": RichText(item.rationale),
            "domain": domains[item.domain],
            "evidence": [summaries[i] for i in item.evidence if i in summaries],
        }

    for spec in FRAMEWORK_SECTIONS:
        # An editor may have renamed a domain: its items are left out.
        current = [item for item in spec["requirements"] if item.domain in domains]
        first_draft = [
            (item, item.first_draft or item.statement)
            for item in current
            if item.first_draft is not None
        ]
        for position, item in FIRST_DRAFT_ONLY.get(spec["section_number"], ()):
            if item.domain in domains:
                first_draft.insert(position - 1, (item, item.statement))
        existing = FrameworkSectionPage.objects.child_of(index).filter(
            section_number=spec["section_number"]
        )
        existed = existing.exists()
        page = _page_ensure(
            parent=index,
            page=FrameworkSectionPage(
                title=spec["title"],
                slug=slugify(spec["title"]),
                section_number=spec["section_number"],
                introduction=DEMO_NOTICE + spec["introduction"],
                requirements=[("requirement", block(item, text)) for item, text in first_draft],
            ),
            existing=existing,
            log=log,
        )
        if (
            page is None
            or existed
            or [text for __, text in first_draft] == [item.statement for item in current]
        ):
            continue
        # The revised draft keeps each item's block id, so comments on the first draft
        # follow the item into it.
        ids = {
            item: child.id
            for (item, __), child in zip(first_draft, page.requirements, strict=True)
        }
        page.requirements = StreamValue(
            page.requirements.stream_block,
            [("requirement", block(item, item.statement), ids.get(item)) for item in current],
        )
        page.save_revision(log_action=True, clean=False).publish()
        log(f"Revised the draft of {page.title}.")


def _lay_findings_seed(*, home: Page, summaries: dict[str, EvidenceSummaryPage], log: Log) -> None:
    index = _page_ensure(
        parent=home,
        page=LayFindingsIndexPage(
            title="What we found",
            slug="findings",
            introduction=FINDINGS_INTRODUCTION,
            show_in_menus=True,
        ),
        existing=LayFindingsIndexPage.objects.child_of(home),
        log=log,
    )
    if index is None:
        return
    for spec in LAY_FINDINGS_PAGES:
        slug = slugify(spec["title"])
        _page_ensure(
            parent=index,
            page=LayFindingsPage(
                title=spec["title"],
                slug=slug,
                summary=spec["summary"],
                body=[("inset_text", RichText(DEMO_NOTICE)), *spec["body"]],
                evidence_links=[
                    LayFindingEvidence(evidence=summaries[i])
                    for i in spec["evidence"]
                    if i in summaries
                ],
            ),
            existing=LayFindingsPage.objects.child_of(index).filter(slug=slug),
            log=log,
        )


def _glossary_seed(*, log: Log) -> None:
    known = {term.lower() for term in GlossaryTerm.objects.values_list("term", flat=True)}
    for term, explanation, other_forms in GLOSSARY:
        if term.lower() in known:
            continue
        # One at a time rather than in bulk, so that the search index sees each term.
        GlossaryTerm.objects.create(term=term, explanation=explanation, other_forms=other_forms)
        log(f"Added {term} to the glossary.")


def _page_ensure(
    *, parent: Page, page: PageT, existing: QuerySet[PageT], log: Log
) -> PageT | None:
    """The page `existing` finds, or else `page` added below parent and published.

    None when there is neither and the slug is taken by some other page, left as it is.
    """
    found = existing.first()
    if found is not None:
        return found
    if parent.get_children().filter(slug=page.slug).exists():
        log(f"Did not create {page.title}: another page below {parent.title} has its slug.")
        return None
    # Each of the three saves would update the reference index; once, at the end, is enough.
    # add_child has validated the page, so save_revision need not again.
    with disable_reference_index_auto_update():
        parent.add_child(instance=page)
        page.save_revision(log_action=True, clean=False).publish()
    ReferenceIndex.create_or_update_for_object(page)
    log(f"Created the page {page.title}.")
    return page
