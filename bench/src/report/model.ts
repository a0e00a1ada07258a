import type { Spread } from '../runner/stats.ts';

/** What a scenario reports: rows for the results table, and lines of detail below it. */

export interface Budget {
  min?: number;
  max?: number;
}

export type Verdict = 'met' | 'missed' | 'info' | 'pending' | 'failed';

export interface Row {
  scenario: string;
  baseline: string;
  figure: string;
  value: string;
  budget: string;
  verdict: Verdict;
}

export interface ScenarioReport {
  id: string;
  rows: Row[];
  /** Markdown lines: the raw figures behind the rows. */
  details: string[];
  /** Something went wrong (errors under load, a wrong answer): the scenario does not work. */
  errors: string[];
}

const number = (value: number): string =>
  Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);

export function formatSpread(value: Spread): string {
  return value.min === value.max
    ? number(value.median)
    : `${number(value.median)} (${number(value.min)}–${number(value.max)})`;
}

export function formatBudget(budget: Budget | undefined): string {
  if (!budget) return '—';
  const parts: string[] = [];
  if (budget.min !== undefined) parts.push(`≥ ${budget.min}`);
  if (budget.max !== undefined) parts.push(`≤ ${budget.max}`);
  return parts.join(', ');
}

/** A budget is judged on the median. */
export function judge(value: number, budget: Budget | undefined): Verdict {
  if (!budget) return 'info';
  const ok =
    (budget.min === undefined || value >= budget.min) && (budget.max === undefined || value <= budget.max);
  return ok ? 'met' : 'missed';
}
