import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ContactStatus } from '@contract';

const colors: Record<ContactStatus, string> = { prospect: 'blue', customer: 'teal', former: 'gray' };

export const StatusBadge = ({ status, size = 'sm' }: { status: ContactStatus; size?: 'xs' | 'sm' | 'md' | 'lg' }) => {
  const { t } = useTranslation();
  return (
    <Badge color={colors[status]} variant="light" size={size} data-testid="status-badge" data-status={status}>
      {t(`contacts.status.${status}`)}
    </Badge>
  );
};
