// The chooser addresses wagtail-localize's translation editor expects on window, read from
// data attributes (its own template sets them in an inline script, which the admin's
// Content Security Policy blocks).
(() => {
  const source = document.getElementById('localize-chooser-urls');
  if (!source || typeof window.chooserUrls !== 'undefined') return;
  window.chooserUrls = {
    imageChooser: source.dataset.imageChooser,
    documentChooser: source.dataset.documentChooser,
    pageChooser: source.dataset.pageChooser,
  };
})();
