import { Text, type TextInputProps } from '@mantine/core';

/** Room in px for a unit inside a field: a symbol (« kg ») or what follows a price (« / kg »). */
export const UNIT_WIDTH = 28;
export const PER_UNIT_WIDTH = 40;

/**
 * A TextInput's right section saying what is typed there (« kg », « / kg »,
 * from units.ts); nothing for a piece. Clicks go through to the field.
 */
export const unitSection = (
  text: string | null,
  width: number,
  testId: string,
): Pick<TextInputProps, 'rightSection' | 'rightSectionWidth' | 'rightSectionPointerEvents'> =>
  text === null
    ? {}
    : {
        rightSection: (
          <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }} data-testid={testId}>
            {text}
          </Text>
        ),
        rightSectionWidth: width,
        rightSectionPointerEvents: 'none',
      };
