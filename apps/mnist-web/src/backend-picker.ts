/** The backend picker: one radio button per candidate, disabled with its reason when unavailable. */
import type { BackendRow } from './backends.js';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderBackendPicker(container: HTMLElement, rows: readonly BackendRow[], selected: string | null, onSelect: (name: string) => void): void {
  container.innerHTML = rows
    .map((row) => {
      const caps = row.capabilities;
      const details = [
        row.reason ? `<div class="reason">${escape(row.reason)}</div>` : '',
        caps ? `<div class="caps">threads: ${caps.threads}; precision: ${caps.precision}; dtypes: ${caps.dtypes.join(', ')}</div>` : '',
        ...(caps?.notes ?? []).map((n) => `<div class="note">${escape(n)}</div>`),
        ...row.hints.map((h) => `<div class="hint">${escape(h)}</div>`),
      ].join('');
      return `<label class="backend ${row.state}" data-name="${escape(row.name)}" data-state="${row.state}">
        <input type="radio" name="backend" value="${escape(row.name)}" ${row.state === 'ready' ? '' : 'disabled'} ${row.name === selected ? 'checked' : ''}>
        <strong>${escape(row.name)}</strong> <span class="summary">${escape(row.summary.slice(row.name.length + 2))}</span>${details}</label>`;
    })
    .join('');
  container.dataset.ready = 'true';
  for (const input of container.querySelectorAll<HTMLInputElement>('input[name=backend]')) {
    input.addEventListener('change', () => input.checked && onSelect(input.value));
  }
}
