// cpaudit: the live total of the expert's scoring form (templates/assessments/score_form.html).
// The form works without it: the server adds the points up when it saves them.

(function () {
  "use strict";

  var form = document.querySelector("form[data-scoring]");
  if (!form) {
    return;
  }
  var inputs = form.querySelectorAll("input[data-points]");
  var vetoes = form.querySelectorAll("input[data-veto]");
  var output = form.querySelector("output[data-total]");
  var verdict = form.querySelector("[data-verdict]");
  var texts = document.getElementById("scoring-messages");
  var passMark = parseFloat(form.getAttribute("data-pass-mark"));

  function message(name) {
    return texts ? texts.getAttribute("data-" + name) : "";
  }

  function update() {
    // Cents, so that 0.1 + 0.2 adds up to 0.30.
    var cents = 0;
    var filled = 0;
    var outside = false;
    inputs.forEach(function (input) {
      var value = input.value.trim() === "" ? NaN : Number(input.value);
      var max = parseFloat(input.getAttribute("max"));
      var bad = input.value.trim() !== "" && (isNaN(value) || value < 0 || value > max);
      input.classList.toggle("is-invalid", bad);
      outside = outside || bad;
      if (!isNaN(value)) {
        cents += Math.round(value * 100);
        filled += 1;
      }
    });
    var total = cents / 100;
    output.textContent = filled ? total.toFixed(2) : "—";
    var vetoed = Array.prototype.some.call(vetoes, function (box) { return box.checked; });
    form.classList.toggle("vetoed", vetoed);
    if (!verdict) {
      return;
    }
    var text = "";
    var tone = "";
    if (outside) {
      text = message("over");
      tone = "text-danger";
    } else if (vetoed) {
      text = message("vetoed");
      tone = "text-danger";
    } else if (filled === inputs.length && !isNaN(passMark)) {
      text = total >= passMark ? message("passes") : message("fails");
      tone = total >= passMark ? "text-success" : "text-danger";
    }
    verdict.textContent = text;
    verdict.className = "small " + tone;
    verdict.hidden = text === "";
    verdict.setAttribute("data-state", outside ? "over" : vetoed ? "vetoed" : tone ? (
      total >= passMark ? "passes" : "fails") : "");
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
