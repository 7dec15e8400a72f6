// A copy button for the issue text (the text stays selectable without JavaScript).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.copy[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    var button = buttons[i];
    button.hidden = false;
    button.addEventListener("click", function (event) {
      var target = document.getElementById(event.currentTarget.getAttribute("data-copy"));
      var clicked = event.currentTarget;
      if (!target) { return; }
      target.select();
      var done = function () { clicked.textContent = "Copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(target.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  }
})();
