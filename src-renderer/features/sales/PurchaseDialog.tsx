/** Placeholder until the sales feature lands: one purchase in a modal (lines, refund, delete). */
export const PurchaseDialog = (_props: { purchaseId: number | null; onClose: () => void; onChanged: () => void }) => null;
