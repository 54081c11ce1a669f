/// What every invocation answers.
let greeting = "version 1"
