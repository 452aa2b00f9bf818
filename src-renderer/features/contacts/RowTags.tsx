import { Badge, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TagRef } from '@contract';
import { useFormatters } from '../../app/format';

/** Two and the count of the rest fit the column at its narrowest (a long name ends in an ellipsis); the rest are named on hover. */
const ROW_TAGS_SHOWN = 2;

/** A contact's tags in a list row (at least one), in the contact page's order and colours. */
export const RowTags = ({ tags }: { tags: readonly TagRef[] }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const shown = tags.slice(0, ROW_TAGS_SHOWN);
  const hidden = tags.slice(ROW_TAGS_SHOWN);
  const hiddenLabel = t('contacts.rowTags.moreLabel', {
    count: hidden.length,
    n: fmt.number(hidden.length),
    names: hidden.map((tag) => tag.name).join(', '),
  });
  return (
    <Group gap={4} wrap="nowrap" w="100%" miw={0} data-testid="contact-row-tags">
      {shown.map((tag) => (
        // equal shares of the cell, each at most its own width (flexbox gives what a short one leaves to the
        // other): a long name ends in an ellipsis without squeezing « VIP » beside it; the title gives it whole
        <Badge
          key={tag.id}
          size="sm"
          variant="light"
          color={tag.color ?? 'grape'}
          tt="none"
          title={tag.name}
          style={{ flex: '1 1 0', minWidth: 0, maxWidth: 'max-content' }}
          data-testid="contact-row-tag"
        >
          {tag.name}
        </Badge>
      ))}
      {hidden.length > 0 && (
        <Badge
          size="sm"
          variant="outline"
          color="gray"
          tt="none"
          title={hiddenLabel}
          aria-label={hiddenLabel}
          style={{ flexShrink: 0 }}
          data-testid="contact-row-tags-more"
        >
          {t('contacts.rowTags.more', { n: fmt.number(hidden.length) })}
        </Badge>
      )}
    </Group>
  );
};
