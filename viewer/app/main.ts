// The viewer app's entry: routes between the episode browser and the episode page.
const root = document.getElementById("app");
if (root) root.textContent = "teledemo viewer";
