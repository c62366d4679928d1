// The console's room table refreshes itself every 5 seconds, without reloading the forms.
(function () {
  const room = document.getElementById("room");
  if (!room) return;
  async function refresh() {
    try {
      const response = await fetch(room.dataset.src, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) room.innerHTML = await response.text();
    } catch (error) {
      // the server is unreachable for a moment: keep the last table
    }
  }
  setInterval(refresh, 5000);
})();
