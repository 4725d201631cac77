/**
 * React access to the stores and the training session. The stores are plain zustand (vanilla)
 * stores; these hooks subscribe with selectors so a component re-renders only for its slice.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';

import type { RunState, RunStoreApi } from '../store/run';
import type { TrainingSession } from '../store/session';
import type { SettingsStore, SettingsStoreApi } from '../store/settings';

export interface Stores {
  settings: SettingsStoreApi;
  run: RunStoreApi;
}

export const StoresContext = createContext<Stores | null>(null);
export const SessionContext = createContext<TrainingSession | null>(null);

function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('StoresContext is missing');
  return stores;
}

export function useSettings<T>(selector: (s: SettingsStore) => T): T {
  return useStore(useStores().settings, selector);
}

export function useSettingsApi(): SettingsStoreApi {
  return useStores().settings;
}

export function useRun<T>(selector: (s: RunState) => T): T {
  return useStore(useStores().run, selector);
}

export function useRunApi(): RunStoreApi {
  return useStores().run;
}

/** The session, or null while the worker starts. */
export function useSession(): TrainingSession | null {
  return useContext(SessionContext);
}
