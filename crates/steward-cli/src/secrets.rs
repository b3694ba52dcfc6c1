//! Reading passphrases and recovery keys: from a hidden prompt on the
//! terminal, or one per line from standard input with `--passphrase-stdin`
//! (for scripts). Never from argv or environment variables, where other
//! users and shell histories could read them.

use std::io::BufRead;

use steward_core::Passphrase;
use zeroize::Zeroizing;

use crate::Failure;

pub struct Secrets {
    from_stdin: bool,
}

impl Secrets {
    pub fn new(from_stdin: bool) -> Secrets {
        Secrets { from_stdin }
    }

    /// One line of standard input, without its line ending.
    pub fn read_stdin_line(&mut self, what: &str) -> Result<Zeroizing<String>, Failure> {
        let mut line = Zeroizing::new(String::new());
        let n = std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|_| Failure {
                code: 1,
                message: format!("could not read the {what} from standard input"),
            })?;
        if n == 0 {
            return Err(Failure {
                code: 2,
                message: format!("expected the {what} on standard input, found nothing"),
            });
        }
        while line.ends_with('\n') || line.ends_with('\r') {
            line.pop();
        }
        Ok(line)
    }

    pub fn prompt_hidden(&mut self, prompt: &str) -> Result<Zeroizing<String>, Failure> {
        rpassword::prompt_password(prompt).map(Zeroizing::new).map_err(|_| Failure {
            code: 2,
            message: "no terminal to ask on; use --passphrase-stdin to pass passphrases on standard input".into(),
        })
    }

    /// An existing passphrase.
    pub fn passphrase(&mut self, prompt: &str) -> Result<Passphrase, Failure> {
        let text = if self.from_stdin {
            self.read_stdin_line("passphrase")?
        } else {
            self.prompt_hidden(prompt)?
        };
        Ok(Passphrase::new(text.to_string()))
    }

    /// A new passphrase: on a terminal it is asked twice.
    pub fn new_passphrase(&mut self, prompt: &str) -> Result<Passphrase, Failure> {
        if self.from_stdin {
            return self.passphrase(prompt);
        }
        let first = self.prompt_hidden(prompt)?;
        let again = self.prompt_hidden("Type it again: ")?;
        if first != again {
            return Err(Failure {
                code: 2,
                message: "the two passphrases differ; nothing was changed".into(),
            });
        }
        Ok(Passphrase::new(first.to_string()))
    }
}
