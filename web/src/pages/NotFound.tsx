import { Anchor, Stack, Text, Title } from '@mantine/core'
import { Link } from '../lib/router'

export default function NotFound() {
  return (
    <Stack>
      <Title order={2}>Page not found</Title>
      <Text>
        There is no page at this address.{' '}
        <Anchor component={Link} href="/">
          Go home
        </Anchor>
      </Text>
    </Stack>
  )
}
