/* The filter panel: keeps sub-types in step with the chosen type and turns the form into clean query strings. */
(function () {
  'use strict';

  function params(form) {
    const out = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (value === '' || (key === 'min_confidence' && Number(value) === 0)) continue;
      out.append(key, value);
    }
    return out;
  }

  function syncSubTypes(form) {
    const type = form.elements.event_type.value;
    const sub = form.elements.sub_event_type;
    for (const group of sub.querySelectorAll('optgroup')) {
      const shown = !type || group.dataset.type === type;
      group.hidden = !shown;
      group.disabled = !shown;
    }
    const chosen = sub.selectedOptions[0];
    if (chosen && chosen.parentElement.disabled) sub.value = '';
  }

  function init(form, onChange) {
    const range = form.elements.min_confidence;
    const shown = document.getElementById('min-confidence-value');
    const showRange = () => { if (shown) shown.textContent = Number(range.value).toFixed(2); };
    range.addEventListener('input', showRange);
    showRange();
    syncSubTypes(form);
    form.elements.event_type.addEventListener('change', () => syncSubTypes(form));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const query = params(form).toString();
      if (onChange) onChange(query);
      else window.location.assign(form.getAttribute('action') + (query ? '?' + query : ''));
    });
    if (onChange) {
      form.addEventListener('change', (ev) => {
        if (ev.target.type !== 'text' && ev.target.type !== 'search') form.requestSubmit();
      });
    }
  }

  window.rasdFilters = { init: init, params: params };
  const form = document.getElementById('filters');
  if (form && !document.getElementById('map')) init(form, null);
})();
