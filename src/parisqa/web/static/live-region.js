// A polite live region: screen readers read each new outcome message as a sentence.
element.setAttribute('role', 'status');
element.setAttribute('aria-live', 'polite');
