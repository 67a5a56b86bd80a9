morgueSearch.load("d-0",{"zd":"SjuAeT9O,d!!"});
