import { AppError, type Api, type StagedFile, type Transport } from '@contract';
import { isEnvelope } from './envelope';

/**
 * The typed Api on top of a raw transport: results unwrapped, failures thrown
 * as AppError so callers branch on `code` and never see a transport detail.
 */
const unwrap = async (what: string, send: () => Promise<unknown>): Promise<unknown> => {
  let envelope: unknown;
  try {
    envelope = await send();
  } catch {
    // the transport itself failed (window closing, host gone): the store is out of reach
    throw new AppError('STORE_UNAVAILABLE', `${what} failed in transport`);
  }
  if (!isEnvelope(envelope)) throw new AppError('INTERNAL', `malformed answer to ${what}`);
  if (envelope.ok) return envelope.value;
  const { code, message, details } = envelope.error;
  throw new AppError(code, message, details);
};

export const createApi = (transport: Transport): Api => ({
  call: async (name, input) => (await unwrap(`call ${name}`, () => transport.invoke(name, input))) as never,
  upload: async (file) => (await unwrap('upload', () => transport.upload(file))) as StagedFile,
  async download(path) {
    await unwrap('download', () => transport.download(path));
  },
  on(event, listener) {
    return transport.on(event, (payload) => listener(payload as never));
  },
});
