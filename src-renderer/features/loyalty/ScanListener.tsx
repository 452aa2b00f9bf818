import { useEffect, useRef } from 'react';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { isTypingTarget } from '../../app/shortcuts';
import { createScanDetector } from './scanner';
import { useCardLookup } from './use-card-lookup';

/**
 * Mounted once by the shell: a card scanned anywhere in the app (focus on a
 * page, a button, nothing) opens that member at the counter. Keys typed into
 * a field are the field's: a scan there is text the user meant to type (the
 * sale page's card field looks the number up itself).
 */
export const ScanListener = () => {
  const { t } = useTranslation();
  const lookup = useCardLookup();
  const detector = useRef(createScanDetector());

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) {
        detector.current.reset();
        return;
      }
      const number = detector.current.push({ key: event.key, time: event.timeStamp });
      if (number === null) return;
      // the scanner's Enter must not also press a focused button
      event.preventDefault();
      void lookup(number).then((outcome) => {
        if (!outcome.ok) {
          notifications.show({ color: 'red', title: t('loyalty.scan.refused'), message: outcome.message, autoClose: 6000 });
        }
      });
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [lookup, t]);

  return null;
};
