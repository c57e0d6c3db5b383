import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HOOK_NAMES,
  ORIGINAL_SUFFIX,
  chainLine,
  hasChainLine,
  isOwnStub,
  parseDispatcherSettings,
  stubText,
  type DispatcherSettings,
  type HookName,
} from './files.js';
import { currentDispatcher, locateHooks, type HookPlace } from './place.js';
import type { Project } from '../project/project.js';
import { PWT_ENV } from '../infra/env.js';

/**
 * `installed`: pwt's own hook file; `chained`: pwt's line in the user's hook,
 * or pwt's file running the user's hook moved to <hook>.pwt-orig;
 * `outdated`: pwt's marker is there but not what install writes now;
 * `missing`: no pwt hook (`otherHook` says whether a hook of someone else is).
 */
export type HookStateName = 'installed' | 'chained' | 'outdated' | 'missing';

export interface HookState {
  name: HookName;
  path: string;
  state: HookStateName;
  how: 'file' | 'line' | 'moved' | null;
  /** The user's hook moved aside, when there is one. */
  original: string | null;
  otherHook: boolean;
}

export interface HooksReport extends HookPlace {
  installed: boolean;
  disabled: boolean;
  dispatcherState: 'current' | 'outdated' | 'missing';
  settings: Partial<DispatcherSettings> | null;
  hooks: HookState[];
}

const readText = (path: string): string | null => {
  try {
    return lstatSync(path).isSymbolicLink() ? null : readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

export function hookState(hooksDir: string, hook: HookName, dispatcher: string): HookState {
  const path = join(hooksDir, hook);
  const originalPath = `${path}${ORIGINAL_SUFFIX}`;
  const original = existsSync(originalPath) || isSymlink(originalPath) ? originalPath : null;
  const base = { name: hook, path, original };
  const text = readText(path);
  if (text !== null && isOwnStub(text)) {
    const current = text === stubText(hook, dispatcher, original !== null);
    if (!current) return { ...base, state: 'outdated', how: original ? 'moved' : 'file', otherHook: original !== null };
    return { ...base, state: original ? 'chained' : 'installed', how: original ? 'moved' : 'file', otherHook: original !== null };
  }
  if (text !== null && hasChainLine(text)) {
    const current = text.split('\n').includes(chainLine(hook, dispatcher));
    return { ...base, state: current ? 'chained' : 'outdated', how: 'line', otherHook: true };
  }
  return { ...base, state: 'missing', how: null, otherHook: existsSync(path) || isSymlink(path) };
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

export async function hooksReport(project: Project): Promise<HooksReport> {
  const place = await locateHooks(project);
  const hooks = HOOK_NAMES.map((hook) => hookState(place.hooksDir, hook, place.dispatcher));
  const text = readText(place.dispatcher);
  const dispatcherState = text === null ? 'missing' : text === currentDispatcher(project) ? 'current' : 'outdated';
  return {
    ...place,
    installed: dispatcherState === 'current' && hooks.every((hook) => hook.state === 'installed' || hook.state === 'chained'),
    disabled: process.env[PWT_ENV.hooks] === '0',
    dispatcherState,
    settings: text === null ? null : parseDispatcherSettings(text),
    hooks,
  };
}
