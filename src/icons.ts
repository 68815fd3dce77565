import { LabIcon } from '@jupyterlab/ui-components';

import refactorSvg from '../style/icons/refactor.svg';

export const refactorIcon = new LabIcon({
  name: 'jupyter-nbrefactor:refactor',
  svgstr: refactorSvg
});
