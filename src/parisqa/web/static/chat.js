// The transcript: a click on a citation's "Open in document", on an answer's [n] marker or on a
// follow-up's "Search as a new question"; the newest turn (or a notice) scrolls into view.
element.addEventListener('click', (event) => {
  const undo = event.target.closest('[data-pq-undo]');
  if (undo) {
    trigger('undo', {turn: Number(undo.dataset.turn)});
    return;
  }
  const open = event.target.closest('[data-pq-open]');
  if (open) {
    element.querySelectorAll('.pq-card.pq-active').forEach((c) => c.classList.remove('pq-active'));
    const card = open.closest('.pq-card');
    if (card) card.classList.add('pq-active');
    const d = open.dataset;
    trigger('cite', {turn: Number(d.turn), n: Number(d.n), related: d.related === '1'});
    return;
  }
  const marker = event.target.closest('[data-pq-marker]');
  if (marker) {
    const card = element.querySelector('#' + marker.dataset.target);
    if (card) {
      card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
      card.classList.remove('pq-flash');
      void card.offsetWidth;
      card.classList.add('pq-flash');
    }
  }
});
watch('value', () => {
  const box = element.querySelector('.pq-chat');
  const turns = element.querySelectorAll('.pq-turn');
  if (box && turns.length) box.scrollTop = Math.max(0, turns[turns.length - 1].offsetTop - 8);
  const notice = element.querySelector('.pq-notice');
  if (box && notice) notice.scrollIntoView({block: 'nearest'});
});
