import type { StatelessTemplateChoice } from './choices.js';
import { MAX_QUBE_NAME } from './qube-names.js';

/**
 * The names the core gives a template's RAM clone and disposable template when the user leaves them empty
 * (`<template>-ram`, `<clone>-dvm`, cut to qubesd's 31 characters). One rule for the planner and the UI, which
 * shows and checks the names before asking for a plan.
 */
function derived(base: string, suffix: string): string {
  return `${base.slice(0, MAX_QUBE_NAME - suffix.length)}${suffix}`;
}

export const defaultCloneName = (template: string): string => derived(template, '-ram');
export const defaultDvmName = (clone: string): string => derived(clone, '-dvm');

export interface TemplateNames {
  readonly clone: string;
  readonly dvm: string;
}

export function effectiveNames(t: StatelessTemplateChoice): TemplateNames {
  const clone = t.cloneName ?? defaultCloneName(t.template);
  return { clone, dvm: t.dvmName ?? defaultDvmName(clone) };
}
