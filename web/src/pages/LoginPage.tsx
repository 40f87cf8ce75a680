import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { errorText } from '../api/api'
import { useAuth } from '../lib/auth'

export function LoginPage() {
  const { signIn } = useAuth()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await signIn(username, password)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={380} maw="100%" component="main">
        <form onSubmit={submit}>
          <Stack>
            <div>
              <Title order={1} size="h2">
                Segmenta
              </Title>
              <Text c="dimmed" size="sm">
                Contacts, segments, interactions and campaigns
              </Text>
            </div>
            <TextInput
              label="User name"
              name="username"
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              autoFocus
              autoComplete="username"
              required
            />
            <PasswordInput
              label="Password"
              name="password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete="current-password"
              required
            />
            {error ? (
              <Alert color="red" role="alert">
                {errorText(error)}
              </Alert>
            ) : null}
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  )
}
