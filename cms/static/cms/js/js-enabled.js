// Loaded at the top of <body>, before the page is drawn, so that NHS.UK components that
// JavaScript enhances never flash their no-JavaScript state. A file, not an inline script,
// so the Content Security Policy needs no unsafe-inline.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
