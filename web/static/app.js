// minzheng: the little script the pages need. htmx sends the CSRF token
// with every request it makes; nothing else runs here.
document.addEventListener("htmx:configRequest", function (e) {
  var m = document.querySelector('meta[name="csrf-token"]');
  if (m) { e.detail.headers["X-CSRF-Token"] = m.content; }
});
