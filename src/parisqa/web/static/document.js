// The document pane: scroll to the cited passage.
watch('value', () => {
  const body = element.querySelector('.pq-doc-body');
  const target = element.querySelector('#pq-target');
  if (body && target) {
    body.scrollTop = Math.max(0, target.offsetTop - body.clientHeight / 4);
    const box = element.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight) element.scrollIntoView({block: 'start', behavior: 'smooth'});
  }
});
