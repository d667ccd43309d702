process.env.KEIKO_TEST_ENGINE = 'mongodb';
