/** Every card action's verb; each action also carries its verb in `data.verb` (for the Submit fallback). */
export const VERBS = {
  openIntake: 'intake.open',
  submitIntake: 'intake.submit',
  myConcerns: 'concerns.mine',
  refreshConcern: 'concern.refresh',
  acknowledge: 'concern.acknowledge',
  recordAction: 'concern.recordAction',
  reroute: 'concern.reroute',
  close: 'concern.close',
  openDraft: 'draft.open',
  saveDraft: 'draft.save',
  history: 'draft.history',
  compare: 'draft.compare',
  recordApproval: 'approvals.record',
  submitTemplate: 'template.submit',
  confirmSubmit: 'template.confirmSubmit',
  viewSubmission: 'template.view',
  accept: 'template.accept',
  returnTemplate: 'template.return',
  confirmReview: 'template.confirmReview',
  remind: 'template.remind',
  dashboard: 'status.show',
  openSignUp: 'signUp.open',
  submitSignUp: 'signUp.submit',
  sendSignUp: 'signUp.send',
  listSignUps: 'signUp.list',
  exportSignUps: 'signUp.export',
  chapterReviewAnswer: 'chapterReview.answer',
  chapterReviewComments: 'chapterReview.comments',
  // Figures for the Lead, deputies and coordinators: the form, an answer, a preset, the CSV.
  openFigures: 'figures.open',
  showFigures: 'figures.show',
  figuresPreset: 'figures.preset',
  exportFigures: 'figures.export',
  // The Lead's records of a concern beside the workflow: case details for figures, legal hold, audit trail, export.
  openCaseDetails: 'concern.caseDetails.open',
  saveCaseDetails: 'concern.caseDetails.save',
  openLegalHold: 'concern.legalHold.open',
  setLegalHold: 'concern.legalHold.set',
  liftLegalHold: 'concern.legalHold.lift',
  concernTrail: 'concern.trail',
  exportConcern: 'concern.export',
  // People and roles (coordinators: "people"; group leads: "members"), and a team's members offered to a group.
  openPeople: 'people.open',
  addPerson: 'people.add',
  removePerson: 'people.remove',
  importTeam: 'people.importTeam',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];

export const ALL_VERBS: readonly string[] = Object.values(VERBS);
