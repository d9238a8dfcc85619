// Topic filter of the question index: the list is complete without it; this only hides groups.
(function () {
  "use strict";
  var filter = document.querySelector(".question-filter");
  if (!filter) return;
  var groups = document.querySelectorAll(".question-group");
  filter.hidden = false;
  filter.addEventListener("click", function (event) {
    var option = event.target.closest(".question-filter__option");
    if (!option) return;
    var topic = option.dataset.topic;
    filter.querySelectorAll(".question-filter__option").forEach(function (other) {
      other.setAttribute("aria-pressed", String(other === option));
    });
    groups.forEach(function (group) {
      group.hidden = Boolean(topic) && group.dataset.topics.split(" ").indexOf(topic) < 0;
    });
  });
})();
