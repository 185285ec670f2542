/* global document, fetch, location, setTimeout */
// While Joinery makes its data, the page asks how far it has got every few seconds and shows it; once it is
// ready, the page loads again (which leads to signing in). Without JavaScript, "Check again" does the same.
const show = (id, text) => {
  const element = document.getElementById(id);
  if (element) element.textContent = text;
};

async function check() {
  try {
    const response = await fetch('/getting-ready', { headers: { accept: 'application/json' } });
    const status = await response.json();
    if (status.ready) return location.reload();
    show('getting-ready-percent', String(status.percent));
    show('getting-ready-stage', status.stageText);
    show('getting-ready-done', status.done.toLocaleString('en-GB'));
  } catch {
    // The server is busy or restarting: ask again at the next turn.
  }
  setTimeout(check, 3000);
}

setTimeout(check, 3000);
