/*
 * Starts the Wagtail admin's widgets from data blocks instead of inline scripts, so the
 * admin runs under a Content Security Policy without 'unsafe-inline' (cms/admin_scripts.py).
 *
 * Loaded with `defer`: it runs once the page is parsed, after Wagtail's own scripts and the
 * form's media have defined the functions below, and before the page's DOMContentLoaded
 * handlers, which is when Wagtail's inline scripts used to have run.
 */
(() => {
  // Only these may be called: markup slipped into a page cannot call anything else.
  const FUNCTIONS = [
    'initDateChooser',
    'initTimeChooser',
    'initDateTimeChooser',
    'createTaskChooser',
  ];
  const CONSTRUCTORS = [
    'InlinePanel',
    'MultipleChooserPanel',
    'Chooser',
    'PageChooser',
    'ImageChooser',
    'DocumentChooser',
    'SnippetChooser',
  ];
  const SELECTOR = 'script[type="application/json"][data-admin-init]';
  const started = new WeakSet();

  const start = (element) => {
    if (started.has(element)) return;
    started.add(element);
    const { function: name, new: construct, args } = JSON.parse(element.textContent);
    const allowed = construct ? CONSTRUCTORS : FUNCTIONS;
    const target = window[name];
    if (!allowed.includes(name) || typeof target !== 'function') {
      // eslint-disable-next-line no-console
      console.error(`admin_init: ${name} is not a known Wagtail start-up call`);
      return;
    }
    if (construct) {
      // eslint-disable-next-line no-new, new-cap
      new target(...args);
    } else {
      target(...args);
    }
  };

  const startAll = (root) => {
    if (root.matches && root.matches(SELECTOR)) start(root);
    if (root.querySelectorAll) root.querySelectorAll(SELECTOR).forEach(start);
  };

  startAll(document);

  // An inline panel's new child must be working before the panel's own code goes on
  // (a multiple chooser panel fills in the child's chooser straight after adding it), and
  // Wagtail announces the child synchronously; later insertions (a modal's form) are found
  // by the observer.
  document.addEventListener('w-formset:added', (event) => startAll(event.target));
  new MutationObserver((mutations) => {
    mutations.forEach((mutation) => mutation.addedNodes.forEach(startAll));
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
