// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the main content when the skip link is used (Safari does not by itself).
  var skip = document.querySelector(".skip-link");
  if (skip) {
    skip.addEventListener("click", function () {
      var main = document.getElementById("contenu");
      if (main) { main.focus(); }
    });
  }
})();
