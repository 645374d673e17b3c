/**
 * Builds the protocol's two Word documents from a realistic sample (seven groups, Migration
 * missing), writes them to test/artifacts/ (or --out <dir>), converts them to PDF with LibreOffice
 * and their first pages to PNG with pdftoppm, so a person can look at them. Not part of npm test.
 *
 *   npx tsx scripts/render-documents.ts [--out dir]
 *
 * Needs soffice and pdftoppm (Debian: apt-get install -y libreoffice-writer-nogui poppler-utils).
 * The diagrams here come from a small stand-in (Graphviz, then resvg), not the app's own renderer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CollatedTemplate, CollationInput } from '../src/domain/collation.js';
import type { GroupId } from '../src/domain/groups.js';
import { parsePathway, type Flowchart } from '../src/domain/pathway.js';
import type { StrategyContent } from '../src/domain/templates.js';
import { DIAGRAM_FONTS } from '../src/reports/flowchart.js';
import { buildPathwaysDocument } from '../src/reports/pathwaysDocument.js';
import { buildStrategyDocument } from '../src/reports/strategyDocument.js';

// The sample: what seven groups might really write. Migration submitted nothing; NRM Referrals wrote
// nothing under Pursue; the Health text has an ampersand and quotes, which must come through as typed.
type SampleStrategy = { version: number; by: string; sections: StrategyContent };
type SamplePathway = { version: number; by: string; text: string };

const SAMPLE_STRATEGIES: Partial<Record<GroupId, SampleStrategy>> = {
  housing: {
    version: 4,
    by: 'Sophie Hall',
    sections: {
      pursue:
        'Housing officers, tenancy sustainment workers and housing association staff will report concerns through the council referral form, so the Modern Slavery Lead sees every concern about a property or landlord.\n\nWe will share intelligence about houses in multiple occupation, overcrowding and "cash in hand" lettings with West Midlands Police and Regulatory Services, and use our licensing and enforcement powers (Housing Act 2004 improvement notices, HMO licence conditions, banning orders) against landlords who house exploited workers.',
      prevent:
        'We will record modern slavery indicators on the housing case management system so we can see patterns by area and property.\n\nAwareness sessions for lettings agents and private landlords will explain the signs of exploitation and how to report them. Survivors leaving safe-house accommodation will be offered a housing options appointment before they move on, to reduce the risk of re-trafficking.',
      protect:
        'Survivors with a positive reasonable grounds decision will be treated as in priority need where the law allows, and will not be placed in accommodation shared with people who may know their exploiters.\n\nAllocations will consider safety first: location, distance from the place of exploitation, and access to support.',
      prepare:
        'All frontline housing staff will complete the council’s modern slavery e-learning within three months of starting, with refresher training every two years.\nTeam managers will hold reflective supervision after difficult cases.',
      partnership:
        'Housing will attend the multi-agency modern slavery meeting every month and share case updates with consent. We will agree information sharing with housing associations across Coventry so concerns follow the tenant, not the tenancy.',
    },
  },
  health: {
    version: 2,
    by: 'Coventry and Warwickshire ICB',
    sections: {
      pursue:
        'GP practices, University Hospitals Coventry & Warwickshire and mental health services will share information with the police when a patient is at risk of serious harm, following the GMC and NMC guidance on confidentiality.',
      prevent:
        'Practices will add a modern slavery prompt to new patient registrations where someone has no ID, is accompanied by a person who "speaks for them", or gives an address used by many other patients.',
      protect:
        'Survivors will be registered with a GP without proof of address or ID, as NHS England guidance already allows. Interpreters will be professional, never a companion or family member.\n\nSafeguarding leads in each service will advise clinicians on adult and child safeguarding referrals.',
      prepare:
        'Safeguarding training for all NHS staff in Coventry will include modern slavery at Level 2 and above. We will share a one-page guide for reception staff on what to look for.',
      partnership: 'The ICB safeguarding team will represent health at the multi-agency meeting and pass learning back to primary and secondary care.',
    },
  },
  nrm: {
    version: 3,
    by: 'Hebe Lawson',
    sections: {
      pursue: '',
      prevent:
        'We will collect data on every NRM referral made by the council (age band, exploitation type, referring team and outcome) and review it each quarter to see where referrals are not being made.',
      protect:
        'Every adult will be told what the NRM is and what it offers before being asked to consent. Where an adult does not consent, the council will still complete a Duty to Notify.\n\nChildren do not need to consent: every child will be referred, with Children’s Services informed on the same day.',
      prepare: 'We will run quarterly first responder workshops for council teams and keep a list of trained first responders in each directorate.',
      partnership: 'A single point of contact in the council will track NRM decisions and let the referring service know the outcome.',
    },
  },
  enforcement: {
    version: 5,
    by: 'West Midlands Police',
    sections: {
      pursue:
        'West Midlands Police, the GLAA, HMRC, DWP and Coventry Regulatory Services will run joint visits to car washes, nail bars, food processing and construction sites where intelligence points to labour exploitation.\n\nWe will use Slavery and Trafficking Prevention Orders, closure orders and financial investigation to disrupt offenders and take away their profits.',
      prevent:
        'Intelligence from partners will be submitted through the police partnership intelligence form so it can be developed, even when it does not lead to an arrest at once.',
      protect:
        'Victims found during operations will be offered a reception centre with support workers and interpreters present, and will be treated as victims first, not offenders. The statutory defence in section 45 of the Modern Slavery Act will be considered in every case.',
      prepare: '',
      partnership:
        'Operations will be planned with the Modern Slavery Lead and survivor support services so that support is in place before the day of action.',
    },
  },
  transition: {
    version: 2,
    by: 'Horizon Team',
    sections: {
      pursue:
        'Children’s Services will share information about exploiters targeting young people with the Violence Reduction Partnership and the police through the exploitation panel.',
      prevent:
        'Young people aged 16 to 25 leaving care will have exploitation risk assessed in their pathway plan, and the plan will continue past 18 where a risk remains.',
      protect:
        'A young person identified as a possible victim before 18 keeps the same key worker through the move to adult services, so they do not have to tell their story again.',
      prepare: 'Foster carers and residential staff will be trained to spot criminal and sexual exploitation, including county lines.',
      partnership: 'Children’s and adult services will hold a joint transition meeting for every young person at risk, from age 17.',
    },
  },
  support: {
    version: 3,
    by: 'Nick Walton',
    sections: {
      pursue: 'With consent, support workers will help survivors give evidence, with special measures in court where they are eligible.',
      prevent:
        'Survivors will be offered move-on support for at least six months after NRM support ends, including help with benefits, English classes and employment, to reduce the risk of re-exploitation.',
      protect:
        'Adult Social Care will consider a Care Act section 42 safeguarding enquiry for every adult with care and support needs who may be a victim.\n\nSurvivor support services will offer emotional and practical support whether or not a person enters the NRM.',
      prepare: 'Survivors with lived experience will help design and deliver training, and will be paid for their time.',
      partnership:
        'Support services will work with the Lived Experience Advisory Panel and take part in the multi-agency meeting to keep the survivor’s voice at the centre of case planning.',
    },
  },
};

const SAMPLE_PATHWAYS: Partial<Record<GroupId, SamplePathway>> = {
  housing: {
    version: 3,
    by: 'Sophie Hall',
    text: [
      '## Housing officer identifies a concern',
      '1. Housing officer: notices indicators during a visit or an appointment',
      '2. Is anyone in immediate danger? yes: 3, no: 4',
      '3. Housing officer: calls 999 and stays safe -> 4',
      '4. Housing officer: tells the Modern Slavery Lead through the referral form',
      '5. Modern Slavery Lead: advises on an NRM referral or a Duty to Notify',
      '6. Housing options: offers emergency accommodation if the person needs it -> end',
      'Explainer: applies to council housing staff and to housing associations that have signed the protocol.',
      '',
      '## Landlord housing exploited workers',
      '1. Housing enforcement: receives intelligence about overcrowding or a suspected HMO',
      '2. Housing enforcement: inspects the property with the police where there is a risk',
      '3. Are there signs of exploitation? yes: 4, no: 5',
      '4. Housing enforcement: refers to the Modern Slavery Lead and shares intelligence with the police -> 5',
      '5. Housing enforcement: takes action under the Housing Act 2004 -> end',
    ].join('\n'),
  },
  health: {
    version: 2,
    by: 'Coventry and Warwickshire ICB',
    text: [
      '## Patient presents with indicators',
      '1. Clinician: sees the patient alone, with a professional interpreter if needed',
      '2. Is the patient at risk of immediate harm? yes: 3, no: 4',
      '3. Clinician: calls 999 and follows the safeguarding policy -> end',
      '4. Clinician: discusses with the practice or ward safeguarding lead',
      '5. Safeguarding lead: makes a safeguarding referral and contacts the Modern Slavery Lead -> end',
      'Explainer: for GP practices, hospitals and mental health services in Coventry.',
    ].join('\n'),
  },
  nrm: {
    version: 3,
    by: 'Hebe Lawson',
    text: [
      '## Council team makes an NRM referral',
      '1. Council officer: recognises indicators of modern slavery',
      '2. Is the person under 18? yes: 3, no: 4',
      '3. Council officer: refers to Children’s Services (MASH) and makes an NRM referral -> end',
      '4. Does the adult consent to an NRM referral? yes: 5, no: 6',
      '5. First responder: completes the NRM referral online -> 7',
      '6. First responder: completes a Duty to Notify without personal details',
      '7. First responder: records the referral and tells the Modern Slavery Lead -> end',
      'Explainer: only designated first responder organisations can make an NRM referral.',
      'The council is a first responder.',
    ].join('\n'),
  },
  enforcement: {
    version: 5,
    by: 'West Midlands Police',
    text: [
      '## Partner intelligence',
      '1. Partner: submits the partnership intelligence form',
      '2. Police intelligence unit: grades and develops the intelligence',
      '3. Is there enough to act on? yes: 4, no: 6',
      '4. Police: plans a joint operation with the GLAA and Regulatory Services',
      '5. Police: puts support in place with the Modern Slavery Lead before the day of action -> end',
      '6. Police intelligence unit: keeps the intelligence and tells the partner it was received -> end',
    ].join('\n'),
  },
  transition: {
    version: 2,
    by: 'Horizon Team',
    text: [
      '## Young person at risk approaching 18',
      '1. Social worker: identifies exploitation risk in the pathway plan',
      '2. Social worker: refers to the exploitation panel',
      '3. Exploitation panel: agrees a safety plan with the young person',
      '4. Will the risk continue past 18? yes: 5, no: end',
      '5. Social worker: arranges a joint transition meeting with adult services',
      '6. Adult services: keeps the same key worker where possible -> end',
    ].join('\n'),
  },
  support: {
    version: 3,
    by: 'Nick Walton',
    text: [
      '## Survivor needs support',
      '1. Any professional: refers to the Modern Slavery Lead through the referral form',
      '2. Modern Slavery Lead: agrees a support plan with the survivor',
      '3. Does the survivor have care and support needs? yes: 4, no: 5',
      '4. Adult Social Care: considers a section 42 safeguarding enquiry',
      '5. Support service: offers emotional and practical support, in or out of the NRM -> end',
      'Explainer: the survivor chooses the support they want; nothing depends on entering the NRM.',
    ].join('\n'),
  },
};

const INSTALL = 'Debian/Ubuntu: apt-get install -y libreoffice-writer-nogui poppler-utils';

function outDir(): string {
  const i = process.argv.indexOf('--out');
  const dir = i >= 0 ? process.argv[i + 1] : undefined;
  if (i >= 0 && !dir) throw new Error('--out needs a folder');
  return path.resolve(dir ?? path.join(__dirname, '..', 'test', 'artifacts'));
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const strategy = (version: number, submittedBy: string, sections: StrategyContent): CollatedTemplate => ({
  version,
  status: 'accepted',
  submittedBy,
  content: { template: 'strategy', sections },
});

const pathway = (version: number, submittedBy: string, text: string): CollatedTemplate => {
  const parsed = parsePathway(text);
  if (!parsed.ok) throw new Error(`The sample pathway by ${submittedBy} does not read: ${parsed.errors.join(' ')}`);
  return { version, status: 'accepted', submittedBy, content: { template: 'pathway', text } };
};

function sample(): CollationInput {
  const strategies: Partial<Record<GroupId, CollatedTemplate>> = {};
  const pathways: Partial<Record<GroupId, CollatedTemplate>> = {};
  for (const [id, s] of Object.entries(SAMPLE_STRATEGIES) as [GroupId, SampleStrategy][]) strategies[id] = strategy(s.version, s.by, s.sections);
  for (const [id, p] of Object.entries(SAMPLE_PATHWAYS) as [GroupId, SamplePathway][]) pathways[id] = pathway(p.version, p.by, p.text);
  return { protocolVersion: 1, collatedAt: '2027-07-05T13:05:00Z', timeZone: 'Europe/London', status: 'draft', basis: 'accepted', strategies, pathways };
}

/**
 * A stand-in diagram: the flowchart as a Graphviz graph, drawn to PNG at twice the size for print,
 * in the app's own fonts (Arimo from node_modules, not the machine's: resvg draws "Arial" in it).
 */
async function standInDiagrams(): Promise<(chart: Flowchart) => Promise<Buffer>> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const { Resvg } = await import('@resvg/resvg-js');
  const graphviz = await Graphviz.load();
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const wrap = (s: string) => s.replace(/(.{1,28})(\s+|$)/g, '$1\n').trim();
  return (chart) => {
    const lines = [
      'digraph G {',
      'node [fontname="Arial", fontsize=12, shape=box, style="rounded,filled", fillcolor="#EEF3FA"]; edge [fontname="Arial", fontsize=11];',
    ];
    lines.push('end [label="End", shape=oval, fillcolor="#FFFFFF"];');
    for (const step of chart.steps) {
      const target = (t: number | 'end') => (t === 'end' ? 'end' : `s${t}`);
      if (step.kind === 'decision') {
        lines.push(`s${step.n} [label=${quote(wrap(step.question))}, shape=diamond, fillcolor="#FFF6DA"];`);
        lines.push(`s${step.n} -> ${target(step.yes)} [label="Yes"];`, `s${step.n} -> ${target(step.no)} [label="No"];`);
      } else {
        lines.push(`s${step.n} [label=${quote(`${step.who}\n${wrap(step.what)}`)}];`, `s${step.n} -> ${target(step.next)};`);
      }
    }
    lines.push('}');
    const svg = graphviz.dot(lines.join('\n'));
    return Promise.resolve(Buffer.from(new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: DIAGRAM_FONTS }).render().asPng()));
  };
}

async function main(): Promise<void> {
  if (!has('soffice') || !has('pdftoppm')) {
    console.error(`This script needs LibreOffice (soffice) and poppler's pdftoppm to turn the documents into pages to look at.\n${INSTALL}`);
    process.exit(2);
  }
  const dir = outDir();
  mkdirSync(dir, { recursive: true });
  const input = sample();
  const diagram = await standInDiagrams();

  const built: { name: string; buffer: Buffer; ms: number }[] = [];
  let start = performance.now();
  built.push({ name: 'protocol-strategy.docx', buffer: await buildStrategyDocument(input), ms: performance.now() - start });
  start = performance.now();
  built.push({ name: 'protocol-pathways.docx', buffer: await buildPathwaysDocument(input, { diagram }), ms: performance.now() - start });

  for (const { name, buffer, ms } of built) {
    const file = path.join(dir, name);
    writeFileSync(file, buffer);
    console.log(`${name}: ${kb(buffer.length)}, built in ${ms.toFixed(0)} ms`);
    execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', dir, file], { stdio: 'ignore', timeout: 180_000 });
    const pdf = file.replace(/\.docx$/, '.pdf');
    console.log(`${path.basename(pdf)}: ${kb(statSync(pdf).size)}`);
    const prefix = file.replace(/\.docx$/, '-page');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '4', pdf, prefix]);
    for (const png of readdirSync(dir).filter((f) => f.startsWith(path.basename(prefix)) && f.endsWith('.png'))) {
      console.log(`${png}: ${kb(statSync(path.join(dir, png)).size)}`);
    }
  }
  console.log(`Written to ${dir}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
