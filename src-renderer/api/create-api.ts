import { AppError, type Api, type Transport } from '@contract';
import { isEnvelope } from './envelope';

/**
 * The typed Api on top of a raw transport: results unwrapped, failures thrown
 * as AppError so callers branch on `code` and never see a transport detail.
 */
export const createApi = (transport: Transport): Api => ({
  async call(name, input) {
    let envelope: unknown;
    try {
      envelope = await transport.invoke(name, input);
    } catch {
      // the transport itself failed (window closing, host gone): the store is out of reach
      throw new AppError('STORE_UNAVAILABLE', `call ${name} failed in transport`);
    }
    if (!isEnvelope(envelope)) throw new AppError('INTERNAL', `malformed answer to ${name}`);
    if (envelope.ok) return envelope.value as never;
    const { code, message, details } = envelope.error;
    throw new AppError(code, message, details);
  },
  on(event, listener) {
    return transport.on(event, (payload) => listener(payload as never));
  },
});
