// The FAQ question buttons: a click asks that question.
element.addEventListener('click', (event) => {
  const chip = event.target.closest('[data-pq-faq]');
  if (chip) trigger('pick', {question: chip.textContent});
});
