/**
 * The wizard's body: sections -> files, what stays and why, a preview of
 * every file, and the before/after figures.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { NbRefactorAPI } from '../tokens';

function el(
  tag: string,
  className: string,
  text?: string,
  children: HTMLElement[] = []
): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text;
  }
  children.forEach(child => node.appendChild(child));
  return node;
}

export class GraduateBody extends Widget {
  constructor(private readonly _trans: TranslationBundle) {
    super();
    this.addClass('jp-nbrefactor-graduate');
    this.showLoading();
  }

  showLoading(): void {
    this.node.replaceChildren(
      el(
        'p',
        'jp-nbrefactor-graduate-loading',
        this._trans.__('Planning the graduation…')
      )
    );
  }

  showError(message: string): void {
    this.node.replaceChildren(el('p', 'jp-nbrefactor-graduate-error', message));
  }

  showPlan(plan: NbRefactorAPI.IGraduationPlan): void {
    const trans = this._trans;
    const parts: HTMLElement[] = [];
    if (plan.refused) {
      parts.push(
        el(
          'p',
          'jp-nbrefactor-graduate-error',
          trans.__('Nothing can graduate: %1', plan.refused)
        )
      );
    }
    const sections = el('ol', 'jp-nbrefactor-graduate-sections');
    for (const section of plan.sections) {
      const items: HTMLElement[] = [];
      for (const move of section.moves) {
        const signature = `${move.name}(${move.params.join(', ')})`;
        items.push(
          el(
            'li',
            'jp-nbrefactor-graduate-move',
            trans.__(
              'cells %1 → %2: %3',
              move.cells.map(i => i + 1).join(', '),
              move.module,
              move.mode === 'module' ? trans.__('moved as they are') : signature
            )
          )
        );
      }
      for (const kept of section.kept) {
        items.push(
          el(
            'li',
            'jp-nbrefactor-graduate-kept',
            trans.__('cell %1 stays: %2', kept.cell + 1, kept.reason)
          )
        );
      }
      sections.appendChild(
        el('li', 'jp-nbrefactor-graduate-section', undefined, [
          el('strong', '', section.title),
          el('ul', '', undefined, items)
        ])
      );
    }
    if (plan.sections.length > 0) {
      parts.push(el('h3', '', trans.__('Sections')), sections);
    }
    if (plan.files.length > 0) {
      parts.push(el('h3', '', trans.__('Files')));
      for (const file of plan.files) {
        const details = el('details', 'jp-nbrefactor-graduate-file');
        details.appendChild(
          el(
            'summary',
            '',
            file.exists
              ? trans.__('%1 (merged into the existing file)', file.path)
              : trans.__('%1 (new)', file.path)
          )
        );
        details.appendChild(
          el('pre', 'jp-nbrefactor-graduate-preview', file.source)
        );
        parts.push(details);
      }
    }
    if (plan.report_text) {
      parts.push(
        el('h3', '', trans.__('Before and after')),
        el('pre', 'jp-nbrefactor-graduate-report', plan.report_text)
      );
    }
    this.node.replaceChildren(...parts);
  }
}
