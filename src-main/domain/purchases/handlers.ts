import { command, query, type HandlerGroup } from '../../host/registry';
import { createProduct, deleteProduct, getProduct, listProducts, searchProducts, updateProduct } from './products';
import { createPurchase, deletePurchase, getPurchase, listPurchases, refundPurchase } from './service';

export const purchaseHandlers: HandlerGroup = {
  'products.create': command((input, { store }) => createProduct(store, input)),
  'products.get': query((input, { store }) => getProduct(store, input.id)),
  'products.update': command((input, { store }) => updateProduct(store, input)),
  'products.delete': command((input, { store }) => deleteProduct(store, input.id)),
  'products.list': query((input, { store }) => listProducts(store, input)),
  'products.search': query((input, { store }) => searchProducts(store, input)),
  'purchases.create': command((input, { store }) => createPurchase(store, input)),
  'purchases.get': query((input, { store }) => getPurchase(store, input.id)),
  'purchases.refund': command((input, { store }) => refundPurchase(store, input)),
  'purchases.delete': command((input, { store }) => deletePurchase(store, input.id)),
  'purchases.list': query((input, { store }) => listPurchases(store, input)),
};
