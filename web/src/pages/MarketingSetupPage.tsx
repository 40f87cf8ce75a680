import { Alert, Card, Loader, Stack } from '@mantine/core'
import { errorText } from '../api/api'
import type { Row } from '../api/types'
import { CardHeader } from '../components/CardHeader'
import { RecordFields } from '../components/RecordFields'
import { useRecord } from '../components/useRecord'
import { useCan } from '../lib/auth'
import { MARKETING_SETUP_FIELDS } from '../lib/resources'

export default function MarketingSetupPage() {
  const canWrite = useCan('marketer')
  const rec = useRecord<Row>('/api/setup/marketing', '/api/setup/marketing')
  return (
    <Stack>
      <CardHeader
        listHref="/"
        listTitle="Home"
        title="Marketing Setup"
        subtitle="Number series, defaults and inheritance of new contacts"
      />
      {rec.isPending ? (
        <Loader />
      ) : rec.isError ? (
        <Alert color="red">{errorText(rec.error)}</Alert>
      ) : (
        <Card withBorder>
          <RecordFields
            fields={MARKETING_SETUP_FIELDS}
            record={rec.data}
            canEdit={canWrite}
            onSave={(fd, v) => rec.save({ [fd.name]: v })}
          />
        </Card>
      )}
    </Stack>
  )
}
