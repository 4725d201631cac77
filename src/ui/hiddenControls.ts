/**
 * Controls a teacher hid through the URL (`hide=loss,penalties`): components ask `useHidden`
 * before rendering a group of controls. Hidden controls keep their (lesson or link) values.
 */
import { createContext, useContext } from 'react';

import type { HideableControl } from '../store/workspace';

export const HiddenControlsContext = createContext<readonly HideableControl[]>([]);

export function useHidden(control: HideableControl): boolean {
  return useContext(HiddenControlsContext).includes(control);
}
