import { bulkCommand, command, query, type HandlerGroup } from '../../host/registry';
import { getProgramme } from './programme';
import { openVouchers } from './vouchers';
import {
  adjust,
  closeCard,
  createReward,
  dashboard,
  enrol,
  findMember,
  grantBonus,
  ledgerPage,
  listMembers,
  listRewards,
  lookupCard,
  previewBonus,
  redeem,
  replaceCard,
  runDaily,
  setProgramme,
  updateReward,
} from './service';

export const loyaltyHandlers: HandlerGroup = {
  'loyalty.programme.get': query((_input, { store }) => getProgramme(store)),
  'loyalty.programme.update': command((input, { store }) => setProgramme(store, input)),
  'loyalty.rewards.list': query((_input, { store }) => listRewards(store)),
  'loyalty.rewards.create': command((input, { store }) => createReward(store, input)),
  'loyalty.rewards.update': command((input, { store }) => updateReward(store, input)),
  'loyalty.enrol': command((input, { store }) => enrol(store, input)),
  'loyalty.lookup': query((input, { store }) => lookupCard(store, input.number)),
  'loyalty.member': query((input, { store }) => findMember(store, input.id)),
  'loyalty.ledger': query((input, { store }) => ledgerPage(store, input.contactId, input.cursor, input.limit)),
  'loyalty.card.replace': command((input, { store }) => replaceCard(store, input.contactId)),
  'loyalty.card.close': command((input, { store }) => closeCard(store, input.contactId)),
  'loyalty.redeem': command((input, { store }) => redeem(store, input.contactId, input.rewardId)),
  'loyalty.vouchers': query((input, { store }) => openVouchers(store, input.contactId)),
  'loyalty.adjust': command((input, { store }) => adjust(store, input)),
  'loyalty.members': query((input, { store }) => listMembers(store, input)),
  'loyalty.bonus.preview': query((input, { store }) => previewBonus(store, input)),
  'loyalty.bonus.grant': bulkCommand((input, { store }) => grantBonus(store, input)),
  'loyalty.dashboard': query((_input, { store }) => dashboard(store)),
  'loyalty.expire': command((_input, { store }) => runDaily(store)),
};
