import { z } from 'zod';
import { analyticsConfigInput, type AnalyticsStatus } from './analytics';
import {
  atRiskInput,
  churnInput,
  contactValueInput,
  lostMarkInput,
  lostUnmarkInput,
  productAffinityInput,
  winbackInput,
  type AtRiskPage,
  type ChurnMonth,
  type CustomerLoss,
  type CustomerOutlook,
  type ProductAffinity,
  type WinbackPage,
} from './attrition';
import {
  companyInput,
  companyLinkInput,
  companyListInput,
  companyPeopleInput,
  companyUpdateInput,
  type Company,
  type CompanyPage,
  type CompanyPeoplePage,
} from './companies';
import {
  consentCheckInput,
  consentObjectInput,
  consentRecordInput,
  consentWithdrawInput,
  consentWordingAddInput,
  type ConsentDecision,
  type ConsentStatus,
  type ConsentWording,
} from './consent';
import {
  contactBulkInput,
  contactCountInput,
  contactInput,
  contactListInput,
  contactUpdateInput,
  tagUpdateInput,
  type BulkResult,
  type Contact,
  type ContactPage,
  type Tag,
} from './contacts';
import {
  checkDuplicatesInput,
  dismissDuplicateInput,
  dismissedPairsInput,
  findDuplicatesInput,
  mergeInput,
  mergeListInput,
  mergePreviewInput,
  mergeUndoInput,
  undismissDuplicateInput,
  type DismissDuplicateResult,
  type DismissedPairPage,
  type DuplicateCandidate,
  type MergePreview,
  type MergeResult,
  type MergeSummary,
  type MergeUndoResult,
} from './duplicates';
import { emptyInput, idInput } from './fields';
import {
  exportInput,
  importPreviewInput,
  importRunInput,
  importUndoInput,
  type ExportResult,
  type ImportPreview,
  type ImportRecord,
} from './imports';
import { demoInput, jobIdInput, type JobRef, type JobState, type RunningJob } from './jobs';
import {
  productInput,
  productListInput,
  productSearchInput,
  productUpdateInput,
  purchaseInput,
  purchaseListInput,
  refundInput,
  type Product,
  type ProductPage,
  type Purchase,
  type PurchaseDeleted,
  type PurchasePage,
} from './purchases';
import {
  auditListInput,
  privacyAccessInput,
  privacyEraseInput,
  privacyOverdueInput,
  privacyRequestCloseInput,
  privacyRequestCreateInput,
  privacyRequestExtendInput,
  privacyRequestListInput,
  type AuditPage,
  type PrivacyAccessResult,
  type PrivacyEraseResult,
  type PrivacyOverdue,
  type PrivacyRequest,
  type PrivacyRequestPage,
} from './privacy';
import {
  breachInput,
  breachUpdateInput,
  documentLanguageInput,
  registerExportInput,
  retentionApplyInput,
  retentionPoliciesUpdateInput,
  retentionPreviewInput,
  retentionReviewInput,
  type DataBreach,
  type InformationNotice,
  type ProcessingRegister,
  type RegisterExport,
  type RetentionApplyResult,
  type RetentionPolicies,
  type RetentionPreview,
  type RetentionReview,
  type RetentionStatus,
} from './retention';
import {
  loyaltyAdjustInput,
  loyaltyBonusGrantInput,
  loyaltyBonusPreviewInput,
  loyaltyCardInput,
  loyaltyEnrolInput,
  loyaltyLedgerInput,
  loyaltyLookupInput,
  loyaltyMembersInput,
  loyaltyProgrammeUpdateInput,
  loyaltyRedeemInput,
  loyaltyVouchersInput,
  rewardInput,
  rewardUpdateInput,
  type BonusGrantResult,
  type BonusPreview,
  type ExpireResult,
  type LedgerPage,
  type LoyaltyDashboard,
  type LoyaltyProgramme,
  type Member,
  type MemberPage,
  type RedeemResult,
  type Reward,
  type Voucher,
} from './loyalty';
import { settingsUpdateInput, type Settings } from './settings';
import {
  segmentCountInput,
  segmentCreateInput,
  segmentUpdateInput,
  type Segment,
} from './segments';
import { rfmContactInput, type ContactRfm, type ParetoOverview, type RfmOverview, type RfmRecomputeResult } from './rfm';
import { dashboardInput, type Dashboard } from './dashboard';
import {
  checkInput,
  restoreInput,
  type AppStatus,
  type BackupInfo,
  type CheckResult,
  type RestoreResult,
} from './store';
import {
  interactionInput,
  interactionUpdateInput,
  noteInput,
  noteUpdateInput,
  taskDoneInput,
  taskInput,
  tasksDueInput,
  taskUpdateInput,
  timelineInput,
  type DueTaskPage,
  type Interaction,
  type Note,
  type Task,
  type TimelinePage,
} from './timeline';

/**
 * A call: its input schema, and its output type carried as a phantom so the
 * table stays plain data while every side derives exact types from it.
 */
export type CallDef<I extends z.ZodType, O> = { readonly input: I; readonly __output?: O };

const call =
  <O>() =>
  <I extends z.ZodType>(input: I): CallDef<I, O> => ({ input });

const setupInput = z
  .object({ mode: z.enum(['empty', 'demo']), demo: demoInput.optional() })
  .strict();

/** Every call the renderer, the CLI and the web host can make. Add new ones here first. */
export const calls = {
  'app.status': call<AppStatus>()(emptyInput),
  'app.setup': call<JobRef | null>()(setupInput),

  'settings.get': call<Settings>()(emptyInput),
  'settings.update': call<Settings>()(settingsUpdateInput),

  'contacts.create': call<Contact>()(contactInput),
  'contacts.get': call<Contact>()(idInput),
  'contacts.update': call<Contact>()(contactUpdateInput),
  'contacts.delete': call<{ id: number }>()(idInput),
  'contacts.list': call<ContactPage>()(contactListInput),
  'contacts.timeline': call<TimelinePage>()(timelineInput),
  'contacts.bulk': call<BulkResult>()(contactBulkInput),
  /** Before a bulk delete of everything a filter matches, when the list could not say how many. */
  'contacts.count': call<{ count: number }>()(contactCountInput),

  'tags.list': call<Tag[]>()(emptyInput),
  'tags.update': call<Tag>()(tagUpdateInput),
  'tags.delete': call<{ id: number }>()(idInput),

  'companies.create': call<Company>()(companyInput),
  'companies.get': call<Company>()(idInput),
  'companies.update': call<Company>()(companyUpdateInput),
  'companies.delete': call<{ id: number }>()(idInput),
  'companies.list': call<CompanyPage>()(companyListInput),
  'companies.people': call<CompanyPeoplePage>()(companyPeopleInput),
  'companies.link': call<BulkResult>()(companyLinkInput),
  'companies.unlink': call<BulkResult>()(companyLinkInput),

  'notes.create': call<Note>()(noteInput),
  'notes.update': call<Note>()(noteUpdateInput),
  'notes.delete': call<{ id: number }>()(idInput),
  'interactions.create': call<Interaction>()(interactionInput),
  'interactions.update': call<Interaction>()(interactionUpdateInput),
  'interactions.delete': call<{ id: number }>()(idInput),
  'tasks.create': call<Task>()(taskInput),
  'tasks.update': call<Task>()(taskUpdateInput),
  'tasks.setDone': call<Task>()(taskDoneInput),
  'tasks.delete': call<{ id: number }>()(idInput),
  'tasks.due': call<DueTaskPage>()(tasksDueInput),

  'products.create': call<Product>()(productInput),
  'products.get': call<Product>()(idInput),
  'products.update': call<Product>()(productUpdateInput),
  'products.delete': call<{ id: number }>()(idInput),
  'products.list': call<ProductPage>()(productListInput),
  'products.search': call<Product[]>()(productSearchInput),

  'purchases.create': call<Purchase>()(purchaseInput),
  'purchases.get': call<Purchase>()(idInput),
  'purchases.refund': call<Purchase>()(refundInput),
  'purchases.delete': call<PurchaseDeleted>()(idInput),
  'purchases.list': call<PurchasePage>()(purchaseListInput),

  'contacts.checkDuplicates': call<DuplicateCandidate[]>()(checkDuplicatesInput),
  'contacts.mergePreview': call<MergePreview>()(mergePreviewInput),
  'contacts.merge': call<MergeResult>()(mergeInput),
  /** A job: its result (DuplicateFindResult) comes in `job.finished`. */
  'duplicates.find': call<JobRef>()(findDuplicatesInput),
  'duplicates.dismiss': call<DismissDuplicateResult>()(dismissDuplicateInput),
  /** Takes a "not a duplicate" back (NOT_FOUND when the pair was not dismissed): the finder proposes it again. */
  'duplicates.undismiss': call<DismissDuplicateResult>()(undismissDuplicateInput),
  /** The pairs declared "not a duplicate", newest first, with both names. */
  'duplicates.dismissed': call<DismissedPairPage>()(dismissedPairsInput),
  'merges.undo': call<MergeUndoResult>()(mergeUndoInput),
  'merges.list': call<MergeSummary[]>()(mergeListInput),

  'demo.generate': call<JobRef>()(demoInput),
  'jobs.cancel': call<{ cancelled: boolean }>()(jobIdInput),
  /** The jobs still running: a screen opened meanwhile finds its own again (progress, Cancel). */
  'jobs.running': call<RunningJob[]>()(emptyInput),
  /** One job by id: a screen whose `job.finished` event was lost (the event stream reconnecting) learns the end here. */
  'jobs.status': call<JobState>()(jobIdInput),

  'backup.create': call<BackupInfo>()(emptyInput),
  'backup.list': call<BackupInfo[]>()(emptyInput),
  'backup.restore': call<RestoreResult>()(restoreInput),
  'store.check': call<CheckResult>()(checkInput),

  /** Reads the first rows of a file and proposes a column mapping (remembered per layout). */
  'imports.preview': call<ImportPreview>()(importPreviewInput),
  /** Dry run or all-or-nothing import, as a job: progress, cancel, then an ImportReport result. */
  'imports.run': call<JobRef>()(importRunInput),
  'imports.list': call<ImportRecord[]>()(emptyInput),
  /**
   * Undoes an import, as a job of the import kind: progress, cancel (nothing
   * changed), then the ImportRecord as its result. Refusals (unknown, already
   * undone, sales or refunds since) are the call's own error, before any job.
   */
  'imports.undo': call<JobRef>()(importUndoInput),
  'contacts.export': call<ExportResult>()(exportInput),

  /** Every version of every purpose, newest first; inserts the default French wordings on first use. */
  'consent.wordings.list': call<ConsentWording[]>()(emptyInput),
  /** A new version of a purpose's wording (old events keep theirs); the same text as the current one is refused. */
  'consent.wordings.add': call<ConsentWording>()(consentWordingAddInput),
  'consent.status': call<ConsentStatus>()(idInput),
  'consent.record': call<ConsentStatus>()(consentRecordInput),
  'consent.withdraw': call<ConsentStatus>()(consentWithdrawInput),
  'consent.object': call<ConsentStatus>()(consentObjectInput),
  'consent.check': call<ConsentDecision>()(consentCheckInput),

  'privacy.requests.list': call<PrivacyRequestPage>()(privacyRequestListInput),
  /** Due one calendar month after receipt (31 Jan → end of February). */
  'privacy.requests.create': call<PrivacyRequest>()(privacyRequestCreateInput),
  'privacy.requests.extend': call<PrivacyRequest>()(privacyRequestExtendInput),
  'privacy.requests.close': call<PrivacyRequest>()(privacyRequestCloseInput),
  'privacy.requests.overdue': call<PrivacyOverdue>()(privacyOverdueInput),
  /** Real erasure; the typed name must match. Re-applied after any restore. */
  'privacy.erase': call<PrivacyEraseResult>()(privacyEraseInput),
  /** Everything held about the person, written to the transfers folder (JSON or printable HTML). */
  'privacy.access': call<PrivacyAccessResult>()(privacyAccessInput),
  'audit.list': call<AuditPage>()(auditListInput),

  'retention.policies': call<RetentionPolicies>()(emptyInput),
  'retention.policies.update': call<RetentionPolicies>()(retentionPoliciesUpdateInput),
  /** Who is due on a day (today by default), oldest reference first, with the counts per rule. */
  'retention.review': call<RetentionReview>()(retentionReviewInput),
  'retention.preview': call<RetentionPreview>()(retentionPreviewInput),
  /** Only with `confirm: true`; 'reconsent' writes a CSV to the transfers folder, 'archive' and 'erase' leave the live base. */
  'retention.apply': call<RetentionApplyResult>()(retentionApplyInput),
  /** The last start-up or daily check. */
  'retention.status': call<RetentionStatus>()(emptyInput),
  /** GDPR art. 30, generated from the settings and the base, in the language asked for. */
  'privacy.register': call<ProcessingRegister>()(documentLanguageInput),
  'privacy.register.export': call<RegisterExport>()(registerExportInput),
  /** The information notice ("mentions d'information") for the shop's forms. */
  'privacy.notice': call<InformationNotice>()(documentLanguageInput),
  'breaches.list': call<DataBreach[]>()(emptyInput),
  'breaches.create': call<DataBreach>()(breachInput),
  'breaches.update': call<DataBreach>()(breachUpdateInput),

  'loyalty.programme.get': call<LoyaltyProgramme>()(emptyInput),
  /** Partial; `tiers` replaces the whole list. Members' tiers are recomputed. */
  'loyalty.programme.update': call<LoyaltyProgramme>()(loyaltyProgrammeUpdateInput),
  'loyalty.rewards.list': call<Reward[]>()(emptyInput),
  'loyalty.rewards.create': call<Reward>()(rewardInput),
  'loyalty.rewards.update': call<Reward>()(rewardUpdateInput),
  /** A card with a check digit and the welcome points; referral points wait for the newcomer's first purchase. */
  'loyalty.enrol': call<Member>()(loyaltyEnrolInput),
  /** A scan: unknown → NOT_FOUND 'unknown_card'; lost or closed card → CONFLICT 'card_lost' / 'card_closed'. */
  'loyalty.lookup': call<Member>()(loyaltyLookupInput),
  /** By contact id; null when the contact is not a member. */
  'loyalty.member': call<Member | null>()(idInput),
  'loyalty.ledger': call<LedgerPage>()(loyaltyLedgerInput),
  /** The old card becomes 'lost'; balance and history stay with the member. */
  'loyalty.card.replace': call<Member>()(loyaltyCardInput),
  'loyalty.card.close': call<Member>()(loyaltyCardInput),
  'loyalty.redeem': call<RedeemResult>()(loyaltyRedeemInput),
  /** The member's vouchers not yet spent, newest first. */
  'loyalty.vouchers': call<Voucher[]>()(loyaltyVouchersInput),
  /** The only way a balance may go below zero; a reason is required. */
  'loyalty.adjust': call<Member>()(loyaltyAdjustInput),
  'loyalty.members': call<MemberPage>()(loyaltyMembersInput),
  'loyalty.bonus.preview': call<BonusPreview>()(loyaltyBonusPreviewInput),
  /** All or nothing; refused when the member count differs from the preview's. */
  'loyalty.bonus.grant': call<BonusGrantResult>()(loyaltyBonusGrantInput),
  'loyalty.dashboard': call<LoyaltyDashboard>()(emptyInput),
  /** Runs the expiry now (also at start and daily). */
  'loyalty.expire': call<ExpireResult>()(emptyInput),

  /** Saved segments, name order, without counts (each would cost a count query). */
  'segments.list': call<Segment[]>()(emptyInput),
  /** With today's count. */
  'segments.get': call<Segment>()(idInput),
  /** The live count of a definition being edited; nothing is saved. */
  'segments.count': call<{ count: number }>()(segmentCountInput),
  /** Name unique without case: CONFLICT 'duplicate_name'. Returned with its count. */
  'segments.create': call<Segment>()(segmentCreateInput),
  'segments.update': call<Segment>()(segmentUpdateInput),
  'segments.delete': call<{ id: number }>()(idInput),

  /** The analysis window and at-risk factor, as configured and as computed. */
  'analytics.status': call<AnalyticsStatus>()(emptyInput),
  /**
   * New window, reference date or factor: a job (subject analytics/settings) saving them and recomputing
   * every figure in its one transaction; it ends with the `AnalyticsStatus`, a cancel keeps the old settings.
   */
  'analytics.configure': call<JobRef>()(analyticsConfigInput),
  /** Every figure again from the sales (repairs), then the RFM thresholds: a job ending with an `AnalyticsRecomputeResult`. */
  'analytics.recompute': call<JobRef>()(emptyInput),
  /** Churn per UTC month over [from, to] from the month counts (no scan of sales). */
  'analytics.churn': call<ChurnMonth[]>()(churnInput),
  /** Customers at risk with their reasons, keyset-paged by value at stake or days overdue, with the totals. */
  'analytics.atRisk': call<AtRiskPage>()(atRiskInput),
  /** One customer's lifetime value (with its formula's terms), risk, loss mark and next best offers. */
  'analytics.contact.value': call<CustomerOutlook>()(contactValueInput),
  /** What sells with a product: same baskets, same customers. */
  'analytics.product.affinity': call<ProductAffinity>()(productAffinityInput),
  /** Marks a customer lost (replacing an earlier mark); their status becomes 'former'. */
  'analytics.lost.mark': call<CustomerLoss>()(lostMarkInput),
  /** Takes a loss mark back (NOT_FOUND when there is none). */
  'analytics.lost.unmark': call<{ contactId: number }>()(lostUnmarkInput),
  /** Customers marked lost and not won back, latest first, with the counts lost / won back. */
  'analytics.winback': call<WinbackPage>()(winbackInput),
  /** RFM with the stored thresholds: score ranges, the R×F grid, the named segments with their strategy. */
  'analytics.rfm': call<RfmOverview>()(emptyInput),
  /** Gold / basic / bottom tiers with their revenue share, the Pareto curve, movements since the previous window. */
  'analytics.pareto': call<ParetoOverview>()(emptyInput),
  /** One contact's scores, segment and tier (the contact page's badge). */
  'analytics.rfm.contact': call<ContactRfm>()(rfmContactInput),
  /** New RFM and tier thresholds from the figures as they are now. */
  'analytics.thresholds.recompute': call<RfmRecomputeResult>()(emptyInput),
  /** The dashboard: revenue and customers per month for a period against the same months a year earlier, tier mix, RFM segment sizes, at-risk value (contract/dashboard.ts). */
  'analytics.dashboard': call<Dashboard>()(dashboardInput),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
export type CallParsed<K extends CallName> = z.output<Calls[K]['input']>;
export type CallOutput<K extends CallName> = Calls[K] extends CallDef<z.ZodType, infer O> ? O : never;

export const callNames = Object.keys(calls) as CallName[];

export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);

/** Calls that may run while the store is not `ready` (recovery screen). */
export const recoveryCalls: ReadonlySet<CallName> = new Set<CallName>([
  'app.status',
  'settings.get',
  'backup.list',
  'backup.restore',
  'store.check',
]);
