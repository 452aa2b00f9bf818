import { useId, useState, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { Box, Paper, TextInput, UnstyledButton } from '@mantine/core';

export type Suggestion = { key: string; content: ReactNode };

export type SuggestInputProps = {
  value: string;
  onChange(text: string): void;
  suggestions: readonly Suggestion[];
  /**
   * Enter (without Ctrl, which stays free for "save"): `index` is the
   * highlighted suggestion, -1 when none is; the caller decides what that means.
   */
  onEnter(index: number): void;
  onEscape?(): void;
  inputRef?: Ref<HTMLInputElement>;
  label: string;
  placeholder?: string;
  description?: ReactNode;
  error?: ReactNode;
  leftSection?: ReactNode;
  rightSection?: ReactNode;
  autoFocus?: boolean;
  testId: string;
};

/**
 * A text box with a list of matches under it, driven from the keyboard
 * (arrows, Enter, Escape) the way a till is used. The highlight is tied to the
 * list it was made in: new matches start unhighlighted.
 */
export const SuggestInput = (props: SuggestInputProps) => {
  const { value, onChange, suggestions, onEnter, onEscape, inputRef, testId } = props;
  const listId = useId();
  const [focused, setFocused] = useState(false);
  const signature = suggestions.map((s) => s.key).join('\u0000');
  const [highlight, setHighlight] = useState<{ signature: string; index: number }>({ signature: '', index: -1 });
  const active = highlight.signature === signature ? highlight.index : -1;
  const open = focused && suggestions.length > 0;

  const move = (delta: number) => {
    const count = suggestions.length;
    if (count === 0) return;
    const next = active < 0 ? (delta > 0 ? 0 : count - 1) : (active + delta + count) % count;
    setHighlight({ signature, index: next });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing) return;
    switch (event.key) {
      case 'ArrowDown':
        move(1);
        break;
      case 'ArrowUp':
        if (!open) return;
        move(-1);
        break;
      case 'Enter':
        if (event.ctrlKey || event.metaKey || event.altKey) return;
        onEnter(active);
        break;
      case 'Escape':
        if (active >= 0) setHighlight({ signature, index: -1 });
        else if (onEscape && value !== '') onEscape();
        else return;
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const optionId = (index: number) => `${listId}-${index}`;

  return (
    <Box pos="relative">
      <TextInput
        ref={inputRef}
        label={props.label}
        placeholder={props.placeholder}
        description={props.description}
        error={props.error}
        leftSection={props.leftSection}
        rightSection={props.rightSection}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        autoFocus={props.autoFocus}
        data-autofocus={props.autoFocus || undefined}
        autoComplete="off"
        spellCheck={false}
        maxLength={200}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
        data-testid={testId}
      />
      {open && (
        <Paper
          withBorder
          shadow="md"
          id={listId}
          role="listbox"
          pos="absolute"
          left={0}
          right={0}
          mt={4}
          p={4}
          style={{ zIndex: 20, maxHeight: 360, overflowY: 'auto' }}
          data-testid={`${testId}-options`}
        >
          {suggestions.map((s, index) => (
            <UnstyledButton
              key={s.key}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              data-active={index === active || undefined}
              className="cp-row"
              display="block"
              w="100%"
              px="sm"
              py={6}
              tabIndex={-1}
              // keep the focus in the text box: a click picks like Enter does
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => onEnter(index)}
              data-testid={`${testId}-option`}
            >
              {s.content}
            </UnstyledButton>
          ))}
        </Paper>
      )}
    </Box>
  );
};
