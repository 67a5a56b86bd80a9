morgueSearch.load("d-8","ix7ptXUsAA==",2);
