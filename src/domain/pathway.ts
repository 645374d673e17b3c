/**
 * The Pathway template: one or more flowcharts, written as text a person can type in Teams.
 *
 *   ## Housing officer identifies a concern
 *   1. Housing officer: notices indicators during a visit
 *   2. Is anyone in immediate danger? yes: 3, no: 4
 *   3. Housing officer: calls 999 -> end
 *   4. Housing officer: tells the Modern Slavery Lead through the referral form
 *   Explainer: applies to council and housing association staff.
 *
 * A step is "N. Who: what" (it leads to the next step unless it says "-> M" or "-> end"); a
 * decision is "N. Question? yes: A, no: B". Step 1 is the start. "## Title" starts a new flowchart.
 */

export type PathwayStep =
  | { n: number; kind: 'action'; who: string; what: string; next: number | 'end' }
  | { n: number; kind: 'decision'; question: string; yes: number | 'end'; no: number | 'end' };

export interface Flowchart {
  title: string;
  explainer: string;
  steps: PathwayStep[];
}

export type PathwayParse = { ok: true; flowcharts: Flowchart[] } | { ok: false; errors: string[] };

const TARGET = String.raw`(\d+|end)`;
const DECISION = new RegExp(String.raw`^(\d+)[.)]\s+(.+\?)\s*yes\s*(?::|->)\s*${TARGET}\s*[,;]?\s*no\s*(?::|->)\s*${TARGET}\s*$`, 'i');
const ACTION = new RegExp(String.raw`^(\d+)[.)]\s+([^:]+?):\s*(.+?)(?:\s*->\s*${TARGET})?\s*$`, 'i');
const NUMBERED = /^(\d+)[.)]\s+/;

const target = (value: string): number | 'end' => (value.toLowerCase() === 'end' ? 'end' : Number(value));

/** Parses the Pathway text, or lists every problem with the flowchart and step it is in. */
export function parsePathway(text: string): PathwayParse {
  const errors: string[] = [];
  const flowcharts: Flowchart[] = [];
  let current: Flowchart | undefined;
  let inExplainer = false;
  const start = (title: string) => {
    current = { title, explainer: '', steps: [] };
    flowcharts.push(current);
    inExplainer = false;
  };

  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      const where = `line ${index + 1}`;
      if (line === '') return;
      if (line.startsWith('#')) return start(line.replace(/^#+\s*/, '') || `Flowchart ${flowcharts.length + 1}`);
      if (!current) start(flowcharts.length ? `Flowchart ${flowcharts.length + 1}` : 'Pathway');
      const chart = current!;
      const explainer = /^explainer\s*:\s*(.*)$/i.exec(line);
      if (explainer) {
        chart.explainer = explainer[1]!.trim();
        inExplainer = true;
        return;
      }
      const decision = DECISION.exec(line);
      const action = decision ? undefined : ACTION.exec(line);
      if (decision) {
        chart.steps.push({ n: Number(decision[1]), kind: 'decision', question: decision[2]!.trim(), yes: target(decision[3]!), no: target(decision[4]!) });
      } else if (action) {
        chart.steps.push({
          n: Number(action[1]),
          kind: 'action',
          who: action[2]!.trim(),
          what: action[3]!.trim(),
          next: action[4] ? target(action[4]) : Number(action[1]) + 1,
        });
      } else if (NUMBERED.test(line)) {
        const n = NUMBERED.exec(line)![1];
        errors.push(
          `"${chart.title}", ${where}: step ${n} should say who does what ("${n}. Housing officer: calls 999") or ask a yes/no question ("${n}. Is anyone in danger? yes: 3, no: 4").`,
        );
      } else if (inExplainer) {
        chart.explainer += `\n${line}`;
      } else {
        errors.push(`"${chart.title}", ${where}: start each step with its number, like "1. Housing officer: notices indicators".`);
      }
    });

  if (!flowcharts.length) errors.push('The pathway is empty: write at least one flowchart, starting with step 1.');
  for (const chart of flowcharts) checkFlowchart(chart, errors);
  return errors.length ? { ok: false, errors } : { ok: true, flowcharts };
}

function checkFlowchart(chart: Flowchart, errors: string[]): void {
  const numbers = new Set<number>();
  for (const step of chart.steps) {
    if (numbers.has(step.n)) errors.push(`"${chart.title}": there are two steps numbered ${step.n}.`);
    numbers.add(step.n);
  }
  if (!chart.steps.length) {
    errors.push(`"${chart.title}" has no steps, so no start: add step 1.`);
    return;
  }
  if (!numbers.has(1)) errors.push(`"${chart.title}" has no start: number its first step 1.`);
  const last = Math.max(...numbers);
  for (const step of chart.steps) {
    const targets =
      step.kind === 'decision'
        ? ([
            ['yes', step.yes],
            ['no', step.no],
          ] as const)
        : ([['next', step.next]] as const);
    for (const [label, to] of targets) {
      if (to === 'end' || numbers.has(to)) continue;
      // An action step that simply falls through past the last step ends the flowchart.
      if (step.kind === 'action' && label === 'next' && to === step.n + 1 && step.n === last) continue;
      errors.push(`"${chart.title}": step ${step.n} ${label === 'next' ? 'goes' : `says ${label} goes`} to step ${to}, but there is no step ${to}.`);
    }
  }
}

/** Normalises fall-through past the last step to 'end', so stored flowcharts are explicit. */
export function finishFlowcharts(flowcharts: Flowchart[]): Flowchart[] {
  return flowcharts.map((chart) => {
    const numbers = new Set(chart.steps.map((s) => s.n));
    return {
      ...chart,
      steps: [...chart.steps]
        .sort((a, b) => a.n - b.n)
        .map((s) => (s.kind === 'action' && s.next !== 'end' && !numbers.has(s.next) ? { ...s, next: 'end' as const } : s)),
    };
  });
}

/** One line per step, for cards and documents: "2. Is anyone in danger? Yes: step 3. No: step 4." */
export function describeStep(step: PathwayStep): string {
  const to = (t: number | 'end') => (t === 'end' ? 'end' : `step ${t}`);
  return step.kind === 'decision'
    ? `${step.n}. ${step.question} Yes: ${to(step.yes)}. No: ${to(step.no)}.`
    : `${step.n}. ${step.who}: ${step.what}${step.next === 'end' ? ' (end)' : step.next === step.n + 1 ? '' : ` (then ${to(step.next)})`}`;
}
