/**
 * A button that runs a command: its label, caption and enabled state come
 * from the command registry (the panel's toolbar, warned cells' actions and
 * the Health tab).
 */
import { LabIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

export function ActionButton(props: {
  commands: CommandRegistry;
  id: string;
  icon: LabIcon;
  /** Classes besides jp-nbrefactor-action. */
  className?: string;
}): JSX.Element {
  const { commands, id, icon, className } = props;
  return (
    <button
      className={
        className ? `jp-nbrefactor-action ${className}` : 'jp-nbrefactor-action'
      }
      data-command={id}
      disabled={!commands.isEnabled(id)}
      title={commands.caption(id)}
      onClick={() => void commands.execute(id)}
    >
      <icon.react tag="span" className="jp-nbrefactor-action-icon" />
      <span>{commands.label(id)}</span>
    </button>
  );
}
