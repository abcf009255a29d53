// cpaudit: small progressive enhancements shared by every page.

// htmx drops 4xx answers by default. Forms answered with their errors (400) or a state
// conflict (409) replace themselves like a success does, so the user sees why.
document.body.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 400 || status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The navbar's language select submits its form when changed (no inline handler: the
// Content-Security-Policy allows no inline script).
var languageSelect = document.getElementById("language-select");
if (languageSelect) {
  languageSelect.addEventListener("change", function () {
    languageSelect.form.submit();
  });
}
