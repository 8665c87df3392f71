// Send this page to a friend: a "Share…" button where the browser can share,
// and "Copy link" where it can copy. Without JavaScript the page keeps its plain links.
(function () {
  "use strict";
  var tools = document.querySelector("[data-share-tools]");
  if (!tools) return;
  var url = tools.getAttribute("data-url");
  var share = tools.querySelector("[data-share]");
  var copy = tools.querySelector("[data-copy]");
  var status = tools.querySelector("[role=status]");

  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: tools.getAttribute("data-title"), url: url }).catch(function () {});
    });
  }
  if (navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(url).then(function () {
        // Emptied first, so that a second copy is announced again.
        status.textContent = "";
        setTimeout(function () { status.textContent = copy.getAttribute("data-copied"); }, 100);
      }, function () {
        var field = document.getElementById("page-link");
        if (field) field.select();
      });
    });
  }
})();
