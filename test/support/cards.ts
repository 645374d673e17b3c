/**
 * Reads an Adaptive Card the way a person does in Teams: the words on it, its facts, its buttons
 * and what is in its inputs. Tests assert on these instead of on the card's JSON, so that a
 * property name, a data field or a hidden value can never make a "does it say ..." check pass.
 *
 * Every function takes a card, or anything a card arrives in: an activity the bot sent (its
 * attachments, and its text if it has one), an Action.Execute answer ({ type, value }), a task
 * module answer ({ task: { value: { card } } }), an attachment, or a part of a card (a table row).
 */

import assert from 'node:assert/strict';

type Node = Record<string, unknown>;

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): Node[] {
  return Array.isArray(value) ? value.filter(isNode) : [];
}

/** A string, number or boolean as the text it shows; anything else as ''. */
const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '');
/** The text a property shows, or undefined when it shows none. */
const text = (value: unknown): string | undefined => str(value) || undefined;

/**
 * The card elements inside whatever was given: the cards of an activity or an invoke answer, or the
 * given card or element itself. Fails loudly when there is nothing to read, so that a "does not say"
 * check can never pass on an empty or missing message.
 */
function roots(source: unknown): { nodes: Node[]; extra: string[] } {
  if (!isNode(source)) throw new Error(`not a card or a message: ${String(source)}`);
  const nodes: Node[] = [];
  const extra: string[] = [];
  if (source.type === 'AdaptiveCard') nodes.push(source);
  else if (source.type === ADAPTIVE_CARD && isNode(source.value))
    nodes.push(source.value); // an Action.Execute answer
  else if (source.contentType === ADAPTIVE_CARD && isNode(source.content))
    nodes.push(source.content); // an attachment
  else if (isNode(source.task) && isNode(source.task.value) && isNode(source.task.value.card))
    nodes.push(...roots(source.task.value.card).nodes); // a dialog
  else if (Array.isArray(source.attachments) || (source.type === 'message' && typeof source.text === 'string')) {
    // An activity: what Teams shows is its text, then its cards.
    const said = text(source.text);
    if (said) extra.push(said);
    for (const attachment of list(source.attachments))
      if (attachment.contentType === ADAPTIVE_CARD && isNode(attachment.content)) nodes.push(attachment.content);
  } else if (typeof source.type === 'string' && /^[A-Z][A-Za-z.]*$/.test(source.type)) nodes.push(source); // an element: a table row, a container ...
  if (!nodes.length && !extra.length) throw new Error(`nothing a person could read in ${JSON.stringify(source).slice(0, 200)}`);
  return { nodes, extra };
}

/** The actions of an element or card, not their fallbacks (Teams shows one or the other). */
function actionsHere(node: Node): Node[] {
  return [...list(node.actions), ...(isNode(node.selectAction) ? [node.selectAction] : [])];
}

/** Every element and action of a card, in reading order, with the cards that Action.ShowCard opens. */
function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const key of ['body', 'items', 'columns', 'rows', 'cells', 'card'] as const) {
    const child = node[key];
    if (isNode(child)) walk(child, visit);
    else for (const element of list(child)) walk(element, visit);
  }
  for (const action of actionsHere(node)) walk(action, visit);
}

function nodes(source: unknown): Node[] {
  const found: Node[] = [];
  for (const root of roots(source).nodes) walk(root, (node) => found.push(node));
  return found;
}

/** What a person reads of one element (not of its children): one string per line of text. */
function textsOfNode(node: Node): string[] {
  const type = str(node.type);
  const out: string[] = [];
  const add = (...values: unknown[]) => {
    for (const value of values) {
      const said = text(value);
      if (said !== undefined) out.push(said);
    }
  };
  switch (type) {
    case 'TextBlock':
      add(node.text);
      break;
    case 'RichTextBlock':
      // One paragraph of runs: plain strings or TextRun objects.
      add(
        (Array.isArray(node.inlines) ? (node.inlines as unknown[]) : [])
          .map((inline) => (isNode(inline) ? (text(inline.text) ?? '') : (text(inline) ?? '')))
          .join(''),
      );
      break;
    case 'FactSet':
      for (const fact of list(node.facts)) out.push(`${text(fact.title) ?? ''}: ${text(fact.value) ?? ''}`);
      break;
    case 'Input.Text':
    case 'Input.Number':
    case 'Input.Date':
    case 'Input.Time':
      add(node.label, node.placeholder, node.value);
      break;
    case 'Input.Toggle':
      add(node.label, node.title);
      break;
    case 'Input.ChoiceSet':
      add(node.label, node.placeholder);
      for (const choice of list(node.choices)) add(choice.title);
      break;
    case 'Image':
      add(node.altText);
      break;
    default:
      if (type.startsWith('Action.')) add(node.title);
  }
  return out;
}

/**
 * Every piece of text a person would read on the card, in order: text blocks, facts as
 * "title: value", input labels, placeholders and typed values, the titles of choices, buttons,
 * and what the cards behind Action.ShowCard buttons say. Markdown is left as written (escapes
 * included), because that is what the renderer is given. Not included: ids, data, verbs, the
 * values behind choices, error messages Teams shows only on a client-side check.
 */
export function textsOf(source: unknown): string[] {
  const { nodes: found, extra } = roots(source);
  const out = [...extra];
  for (const root of found) walk(root, (node) => out.push(...textsOfNode(node)));
  return out;
}

/** All of textsOf joined with newlines, for "does it say ..." checks. */
export function visibleText(source: unknown): string {
  return textsOf(source).join('\n');
}

/** Every action a person can press, in order, including those on cards behind Action.ShowCard. */
export function actionsOf(source: unknown): Node[] {
  return nodes(source).filter((node) => typeof node.type === 'string' && node.type.startsWith('Action.'));
}

/** The titles of the card's own buttons (the top-level actions, as they appear under the card). */
export function actionTitles(source: unknown): string[] {
  return roots(source).nodes.flatMap((root) => actionsHere(root).map((action) => str(action.title)));
}

/**
 * The action a person presses by its title; more titles go through Action.ShowCard buttons:
 * findAction(card, 'Close', 'Close concern') opens "Close", then finds "Close concern" on it.
 * Fails naming the titles on offer when there is no such button.
 */
export function findAction(source: unknown, ...titles: [string, ...string[]]): Node {
  let here = roots(source).nodes;
  let found: Node | undefined;
  for (const [i, title] of titles.entries()) {
    const offered = here.flatMap((node) => {
      const all: Node[] = [];
      walk(node, (n) => {
        if (typeof n.type === 'string' && n.type.startsWith('Action.')) all.push(n);
      });
      return all;
    });
    // Reading order: a ShowCard button comes before the buttons on the card it opens, so "Reroute"
    // finds the ShowCard, and findAction(card, 'Reroute', 'Reroute') the button behind it.
    found = offered.find((action) => action.title === title);
    if (!found) throw new Error(`no "${title}" button; on offer: ${offered.map((a) => str(a.title)).join(', ') || 'none'}`);
    if (i < titles.length - 1) {
      if (!isNode(found.card)) throw new Error(`"${title}" opens no card`);
      here = [found.card];
    }
  }
  return found!;
}

/** The card's facts (every FactSet) as title -> value. */
export function factsOf(source: unknown): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const node of nodes(source)) if (node.type === 'FactSet') for (const fact of list(node.facts)) facts[str(fact.title)] = str(fact.value);
  return facts;
}

function input(source: unknown, id: string): Node {
  const found = nodes(source).find((node) => typeof node.type === 'string' && node.type.startsWith('Input.') && node.id === id);
  if (!found) throw new Error(`no input "${id}" on the card`);
  return found;
}

/** The ids of every input on the card, in order (including those behind Action.ShowCard). */
export function inputIds(source: unknown): string[] {
  return nodes(source)
    .filter((node) => typeof node.type === 'string' && node.type.startsWith('Input.'))
    .map((node) => str(node.id));
}

/** What an input holds as the card is shown (its value; for a choice set, the chosen values). */
export function inputValue(source: unknown, id: string): string | undefined {
  const value = input(source, id).value;
  return value === undefined ? undefined : str(value);
}

/** The titles a person chooses between in a choice set. */
export function choiceTitles(source: unknown, inputId: string): string[] {
  return list(input(source, inputId).choices).map((choice) => str(choice.title));
}

/** The values behind a choice set's choices, in order (what the card sends back). */
export function choiceValues(source: unknown, inputId: string): string[] {
  return list(input(source, inputId).choices).map((choice) => str(choice.value));
}

/** Each row of each Table on the card, as the text of each of its cells (newline-joined). */
export function tableRows(source: unknown): string[][] {
  return nodes(source)
    .filter((node) => node.type === 'TableRow')
    .map((row) => list(row.cells).map((cell) => visibleText(cell)));
}

/**
 * Fails if `pattern` is anywhere on the card: in what a person reads, or anywhere in its JSON (data
 * an action carries, ids, a value behind a choice). For "this never reaches ..." checks, where text
 * that is sent but not shown would still be a leak.
 */
export function assertAbsent(source: unknown, pattern: RegExp, message?: string): void {
  assert.doesNotMatch(visibleText(source), pattern, message);
  assert.doesNotMatch(JSON.stringify(source), pattern, message);
}
