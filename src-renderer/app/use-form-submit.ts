import { useCallback, useState } from 'react';
import { serverIssues, toFieldErrors, type FieldErrors } from './errors';

/**
 * The save step forms share: busy while the store works, the store's field
 * issues put on their fields, anything else kept as one failure to show.
 * `run` does the call and what follows a success.
 */
export const useFormSubmit = () => {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = useCallback(async (run: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      await run();
    } catch (error) {
      const issues = serverIssues(error);
      if (issues !== null && issues.length > 0) setErrors(toFieldErrors(issues));
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  }, []);

  /** A field edited again loses its error. */
  const clearError = useCallback((field: string) => setErrors((er) => ({ ...er, [field]: undefined })), []);

  return { errors, failure, busy, submit, clearError };
};
