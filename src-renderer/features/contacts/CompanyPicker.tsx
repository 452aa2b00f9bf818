import { useEffect, useState, type Ref } from 'react';
import { CloseButton, Combobox, Group, InputBase, Loader, Text, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { fold, type Company } from '@contract';
import { useApi } from '../../api/context';
import type { CompanyRef } from './form-model';

const CREATE = '__create__';
const SEARCH_DEBOUNCE_MS = 150;
const OPTIONS_MAX = 8;

export type CompanyPickerProps = {
  value: CompanyRef | null;
  onChange(company: CompanyRef | null): void;
  /** The user chose to create a company with the typed name. */
  onCreate(name: string): void;
  label: string;
  error?: string;
  inputRef?: Ref<HTMLInputElement>;
};

/**
 * Searchable over `companies.list` (a name, a SIREN or a SIRET); the last
 * option creates the company typed. Enter picks the highlighted option.
 */
export const CompanyPicker = ({ value, onChange, onCreate, label, error, inputRef }: CompanyPickerProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const [search, setSearch] = useState(value?.name ?? '');
  const [shown, setShown] = useState(value);
  // a value set from outside (created, cleared by "save and next") shows its name
  if (shown !== value) {
    setShown(value);
    setSearch(value?.name ?? '');
  }
  const [debounced] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const [found, setFound] = useState<{ q: string; rows: Company[] } | null>(null);
  const opened = combobox.dropdownOpened;
  // the selected company's own name lists every company, not just itself
  const q = value !== null && debounced === value.name ? '' : debounced;

  useEffect(() => {
    if (!opened) return;
    let live = true;
    api.call('companies.list', { q, limit: OPTIONS_MAX }).then(
      (page) => live && setFound({ q, rows: page.rows }),
      () => live && setFound({ q, rows: [] }),
    );
    return () => {
      live = false;
    };
  }, [api, q, opened]);

  // the previous answer stays on screen while the next one loads: no flicker, and Enter still has a match to take
  const rows = found?.rows ?? null;
  const loading = opened && found?.q !== q;
  useEffect(() => {
    // Enter right after typing takes the best match
    if (rows !== null && q !== '') combobox.selectFirstOption();
    // the store object is new on every render: following it would undo arrow-key moves
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, q]);

  const typed = search.trim();
  const exact = rows?.some((c) => fold(c.name) === fold(typed)) ?? false;
  const canCreate = typed !== '' && !exact && (value === null || typed !== value.name);

  const pick = (option: string) => {
    combobox.closeDropdown();
    if (option === CREATE) {
      onCreate(typed);
      return;
    }
    const company = rows?.find((c) => String(c.id) === option);
    if (company === undefined) return;
    setSearch(company.name);
    onChange({ id: company.id, name: company.name });
  };

  return (
    <Combobox store={combobox} onOptionSubmit={pick}>
      <Combobox.Target>
        <InputBase
          ref={inputRef}
          label={label}
          error={error}
          value={search}
          placeholder={t('contacts.company.placeholder')}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            combobox.openDropdown();
            combobox.updateSelectedOptionIndex();
          }}
          onClick={() => combobox.openDropdown()}
          onFocus={() => combobox.openDropdown()}
          onBlur={() => {
            combobox.closeDropdown();
            // emptied: no company; otherwise an unchosen text goes back to the chosen company
            if (search.trim() === '') {
              if (value !== null) onChange(null);
            } else setSearch(value?.name ?? '');
          }}
          rightSection={
            value !== null ? (
              <CloseButton
                size="sm"
                aria-label={t('contacts.company.clear')}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  setSearch('');
                  onChange(null);
                }}
                data-testid="company-clear"
              />
            ) : loading ? (
              <Loader size={14} />
            ) : (
              <Combobox.Chevron />
            )
          }
          rightSectionPointerEvents={value !== null ? 'all' : 'none'}
          data-testid="field-companyId"
          data-company-id={value?.id}
        />
      </Combobox.Target>
      <Combobox.Dropdown>
        <Combobox.Options mah={280} style={{ overflowY: 'auto' }} data-testid="company-options">
          {rows?.map((c) => (
            <Combobox.Option value={String(c.id)} key={c.id} data-testid="company-option">
              <Group gap="xs" wrap="nowrap" justify="space-between">
                <Text size="sm" truncate>
                  {c.name}
                </Text>
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {[c.siren, c.city].filter((p) => p !== null).join(' · ')}
                </Text>
              </Group>
            </Combobox.Option>
          ))}
          {rows !== null && rows.length === 0 && !canCreate && (
            <Combobox.Empty>{t('contacts.company.none')}</Combobox.Empty>
          )}
          {canCreate && (
            <Combobox.Option value={CREATE} data-testid="company-create">
              <Group gap={6} wrap="nowrap">
                <IconPlus size={14} aria-hidden />
                <Text size="sm" truncate>
                  {t('contacts.company.create', { name: typed })}
                </Text>
              </Group>
            </Combobox.Option>
          )}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
};
