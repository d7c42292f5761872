from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files, with ES module imports rewritten to match.

    Our site script imports the NHS.UK frontend module by a relative path; without the
    rewrite, that import would name the unhashed file.
    """

    support_js_module_import_aggregation = True
