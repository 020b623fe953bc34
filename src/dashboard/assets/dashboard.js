// Dashboard helpers (no framework): refresh the main region while an operator waits for
// something, and take a shown flash message out of the address so a reload does not repeat it.
(() => {
  const url = new URL(location.href);
  if (url.searchParams.has('notice') || url.searchParams.has('error')) {
    url.searchParams.delete('notice');
    url.searchParams.delete('error');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }

  let edited = false;
  document.addEventListener('input', () => {
    edited = true;
  });

  // Never swap the page under someone typing, choosing, selecting text or reading an opened detail.
  const operatorIsBusy = () => {
    const active = document.activeElement;
    const inField = active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
    return (
      edited ||
      inField ||
      String(getSelection()) !== '' ||
      document.querySelector('main details[open]') !== null
    );
  };

  async function reloadMain() {
    const response = await fetch(location.href, { credentials: 'same-origin' });
    if (!response.ok || response.redirected) return false;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('main');
    const current = document.getElementById('main');
    if (!fresh || !current) return false;
    current.replaceWith(document.adoptNode(fresh));
    return true;
  }

  function schedule() {
    const seconds = Number(document.getElementById('main')?.dataset.refresh);
    if (!seconds) return;
    setTimeout(async () => {
      if (!document.hidden && !operatorIsBusy()) {
        try {
          if (!(await reloadMain())) return;
        } catch {
          // Offline for a moment: try again next time.
        }
      }
      schedule();
    }, seconds * 1000);
  }

  schedule();
})();
