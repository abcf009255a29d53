// Adds a pollutant row from the formset's empty form; without JS, the spare rows remain.
(function () {
  var button = document.getElementById("add-pollutant-row");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var total = document.getElementById("id_pollutants-TOTAL_FORMS");
    var html = document.getElementById("pollutant-empty-row").innerHTML
      .replace(/__prefix__/g, total.value);
    document.querySelector("#pollutant-rows tbody").insertAdjacentHTML("beforeend", html);
    total.value = parseInt(total.value, 10) + 1;
  });
})();
